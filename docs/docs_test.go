// Package docs_test keeps eddy's documentation honest: it extracts every
// ```go block of README.md and docs/*.md, compiles all of them, and runs the
// complete programs. A doc whose code rots fails `go test ./...`.
//
// The conventions (also in docs/README.md):
//
//   - Every ```go block is compiled; there is no way to skip one. Code that
//     is not Go, or is not meant to compile, goes in a ```text block.
//   - A block with a package clause is a complete program (package main). It
//     is built, run with a time limit, and must exit 0. If the next fenced
//     block of the file is an ```output block, the program's standard output
//     must equal it exactly. Programs that need a server start it themselves
//     on 127.0.0.1:0 and end by themselves.
//   - A block without a package clause is a fragment: either declarations, or
//     statements, which are wrapped in a function. The imports a fragment uses
//     are added from a table of known package names (knownImports; eddy's
//     copy package is known as iocopy), and every variable it declares at its
//     top level is marked used. Fragments are compiled, not run, and must be
//     self-contained: declare what you use.
//   - Every block is gofmt-formatted.
//
// Compile errors point at the Markdown (//line directives), e.g.
// docs/io-overview.md:42. All blocks are built by two go commands, so the
// test costs a few links, not a build per block.
package docs_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// knownImports maps the package names fragments may use to import paths.
var knownImports = map[string]string{
	"aio":         "github.com/eddyio/eddy/aio",
	"channel":     "github.com/eddyio/eddy/channel",
	"codec":       "github.com/eddyio/eddy/codec",
	"combinators": "github.com/eddyio/eddy/combinators",
	"iocopy":      "github.com/eddyio/eddy/copy",
	"driver":      "github.com/eddyio/eddy/driver",
	"future":      "github.com/eddyio/eddy/future",
	"listener":    "github.com/eddyio/eddy/listener",
	"netconn":     "github.com/eddyio/eddy/netconn",
	"semaphore":   "github.com/eddyio/eddy/semaphore",
	"socket":      "github.com/eddyio/eddy/socket",
	"stream":      "github.com/eddyio/eddy/stream",
	"timer":       "github.com/eddyio/eddy/timer",
	"tlsio":       "github.com/eddyio/eddy/tlsio",

	"atomic":  "sync/atomic",
	"bufio":   "bufio",
	"bytes":   "bytes",
	"context": "context",
	"errors":  "errors",
	"fmt":     "fmt",
	"io":      "io",
	"iter":    "iter",
	"log":     "log",
	"net":     "net",
	"netip":   "net/netip",
	"os":      "os",
	"signal":  "os/signal",
	"slices":  "slices",
	"strings": "strings",
	"tls":     "crypto/tls",
	"sync":    "sync",
	"syscall": "syscall",
	"time":    "time",
}

// runTimeout bounds each doc program.
const runTimeout = 30 * time.Second

// genDir is where the generated packages appear, through a go build overlay:
// nothing is written into the repository.
const genDir = "docs/internal/docgen"

// block is one fenced code block of a Markdown file.
type block struct {
	file string // path relative to the repository root
	line int    // line of the first line of code, 1-based
	lang string // the info string: "go", "output", "sh", ...
	code string
}

func (b block) String() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

// program is a Go block with what the test does with it.
type program struct {
	block
	pkg      string // generated package directory, relative to the root
	runnable bool   // a complete program, run after building
	output   *block // expected standard output, if any
	src      []byte // generated source
}

var fenceRE = regexp.MustCompile("^```\\s*([A-Za-z0-9_+-]*)\\s*$")

// parseBlocks returns the fenced blocks of a Markdown file. Fences must start
// at the beginning of a line.
func parseBlocks(file string, data []byte) ([]block, error) {
	var (
		blocks []block
		cur    *block
		buf    strings.Builder
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		m := fenceRE.FindStringSubmatch(line)
		switch {
		case cur == nil && m != nil:
			cur = &block{file: file, line: n + 1, lang: m[1]}
			buf.Reset()
		case cur != nil && line == "```":
			cur.code = buf.String()
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			buf.WriteString(line)
			buf.WriteByte('\n')
		case strings.HasPrefix(strings.TrimSpace(line), "```go"):
			return nil, fmt.Errorf("%s:%d: indented ```go fence: fences start at the beginning of a line", file, n)
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: unterminated code block", file, cur.line-1)
	}
	return blocks, sc.Err()
}

// docFiles returns README.md and docs/*.md, relative to root.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"README.md"}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		out = append(out, filepath.ToSlash(rel))
	}
	sort.Strings(out[1:])
	return out
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found: %v", err)
	}
	return root
}

// openSources opens every Go source file and module file of the repository.
// The docs test imports none of eddy's packages, yet its result depends on
// all of them; go test records the files a test opens, so this makes a
// change anywhere invalidate the cached result, and the docs are compiled
// again against the new code.
func openSources(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") && name != "go.mod" && name != "go.sum" {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		return f.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// collect reads every doc file and turns its Go blocks into programs.
func collect(t *testing.T, root string) []*program {
	t.Helper()
	var progs []*program
	for _, file := range docFiles(t, root) {
		data, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		blocks, err := parseBlocks(file, data)
		if err != nil {
			t.Fatal(err)
		}
		var last *program
		for i, b := range blocks {
			switch b.lang {
			case "go":
				p, err := generate(root, b)
				if err != nil {
					t.Error(err)
					continue
				}
				progs = append(progs, p)
				last = p
				continue
			case "output":
				if last == nil || !last.runnable {
					t.Errorf("%v: output block does not follow a complete program", b)
				} else {
					last.output = &blocks[i]
				}
			}
			last = nil
		}
	}
	return progs
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9]+`)

// generate checks a Go block's format and builds the source of its package.
func generate(root string, b block) (*program, error) {
	formatted, err := format.Source([]byte(b.code))
	if err != nil {
		return nil, fmt.Errorf("%v: %v", b, err)
	}
	if string(formatted) != b.code {
		return nil, fmt.Errorf("%v: block is not gofmt-formatted; want:\n%s", b, formatted)
	}
	name := strings.ToLower(nonIdent.ReplaceAllString(strings.TrimSuffix(b.file, ".md"), "_"))
	p := &program{block: b, pkg: fmt.Sprintf("%s/%s_l%d", genDir, name, b.line)}
	directive := fmt.Sprintf("//line %s:%d\n", filepath.Join(root, b.file), b.line)
	fset := token.NewFileSet()
	if f, err := parser.ParseFile(fset, "", b.code, parser.PackageClauseOnly); err == nil {
		if f.Name.Name != "main" {
			return nil, fmt.Errorf("%v: a complete program is package main, not %s", b, f.Name.Name)
		}
		p.runnable = true
		p.src = []byte(directive + b.code)
		return p, nil
	}
	src, err := wrapFragment(b, directive)
	if err != nil {
		return nil, err
	}
	p.src = src
	return p, nil
}

// wrapFragment makes a compilable file of a fragment: declarations as they
// are, statements inside a function; imports added for the known package
// names it uses; its top-level variables marked used.
func wrapFragment(b block, directive string) ([]byte, error) {
	fset := token.NewFileSet()
	head := "package docfragment\n"
	f, declErr := parser.ParseFile(fset, "", head+b.code, parser.ParseComments)
	var body string
	if declErr == nil {
		body = b.code
	} else {
		wrapped := head + "func _() {\n" + b.code + "}\n"
		var err error
		f, err = parser.ParseFile(fset, "", wrapped, 0)
		if err != nil {
			return nil, fmt.Errorf("%v: neither declarations (%v) nor statements (%v)", b, declErr, err)
		}
		fn := f.Decls[len(f.Decls)-1].(*ast.FuncDecl)
		var used []string
		for _, name := range topLevelVars(fn.Body) {
			used = append(used, "\t_ = "+name+"\n")
		}
		body = "func _() {\n" + directive + b.code + strings.Join(used, "") + "}\n"
		directive = ""
	}
	var imports []string
	for name := range usedPackages(f) {
		path := knownImports[name]
		if name == filepath.Base(path) {
			imports = append(imports, fmt.Sprintf("import %q\n", path))
		} else {
			imports = append(imports, fmt.Sprintf("import %s %q\n", name, path))
		}
	}
	sort.Strings(imports)
	return []byte(head + strings.Join(imports, "") + directive + body), nil
}

// usedPackages returns the known package names the file refers to without
// declaring them.
func usedPackages(f *ast.File) map[string]bool {
	declared := map[string]bool{}
	for _, imp := range f.Imports {
		name := strings.Trim(imp.Path.Value, `"`)
		name = name[strings.LastIndex(name, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		declared[name] = true
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		// An identifier the parser could not resolve in the file is a
		// package name (or a free variable, which fails to compile).
		if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil && !declared[id.Name] {
			if _, known := knownImports[id.Name]; known {
				used[id.Name] = true
			}
		}
		return true
	})
	return used
}

// topLevelVars returns the names a function body declares at its top level.
func topLevelVars(body *ast.BlockStmt) []string {
	seen := map[string]bool{}
	var names []string
	add := func(id *ast.Ident) {
		if id.Name != "_" && !seen[id.Name] {
			seen[id.Name] = true
			names = append(names, id.Name)
		}
	}
	for _, st := range body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, e := range st.Lhs {
					if id, ok := e.(*ast.Ident); ok {
						add(id)
					}
				}
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, spec := range gd.Specs {
					for _, id := range spec.(*ast.ValueSpec).Names {
						add(id)
					}
				}
			}
		}
	}
	return names
}

// goTool returns the go command to build with.
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		t.Skip("no go command to build the docs' code with")
	}
	return p
}

// build writes the generated sources to a temporary directory, lays them
// over the repository with -overlay, and builds every program into bin.
func build(t *testing.T, root string, progs []*program) (bin string) {
	t.Helper()
	tmp := t.TempDir()
	bin = filepath.Join(tmp, "bin") + string(filepath.Separator)
	overlay := map[string]map[string]string{"Replace": {}}
	var runnable, fragments []string
	for i, p := range progs {
		src := filepath.Join(tmp, fmt.Sprintf("src%d.go", i))
		if err := os.WriteFile(src, p.src, 0o644); err != nil {
			t.Fatal(err)
		}
		overlay["Replace"][filepath.Join(root, p.pkg, "main.go")] = src
		if p.runnable {
			runnable = append(runnable, "./"+p.pkg)
		} else {
			fragments = append(fragments, "./"+p.pkg)
		}
	}
	ov, _ := json.Marshal(overlay)
	ovFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovFile, ov, 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd := goTool(t)
	run := func(args ...string) {
		cmd := exec.Command(goCmd, append([]string{"build", "-overlay", ovFile}, args...)...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("building the docs' code blocks: %v\n%s", err, out)
		}
	}
	// With -o naming a directory, go build writes the executables and
	// skips non-main packages, so the fragments are built on their own.
	if len(runnable) > 0 {
		run(append([]string{"-o", bin}, runnable...)...)
	}
	if len(fragments) > 0 {
		run(fragments...)
	}
	return bin
}

// TestCodeBlocks compiles every Go block of the docs and runs the complete
// programs, comparing their output with the ```output block after them.
func TestCodeBlocks(t *testing.T) {
	root := repoRoot(t)
	openSources(t, root)
	progs := collect(t, root)
	if t.Failed() {
		t.FailNow()
	}
	if len(progs) == 0 {
		t.Fatal("no ```go blocks found in README.md and docs/*.md")
	}
	bin := build(t, root, progs)
	for _, p := range progs {
		if !p.runnable {
			continue
		}
		t.Run(filepath.Base(p.pkg), func(t *testing.T) {
			t.Parallel()
			runProgram(t, filepath.Join(bin, filepath.Base(p.pkg)), p)
		})
	}
}

func runProgram(t *testing.T, exe string, p *program) {
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("%v: not built", p.block)
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v: program did not finish within %v\nstdout:\n%s\nstderr:\n%s", p.block, runTimeout, &stdout, &stderr)
	}
	if err != nil {
		t.Fatalf("%v: program failed: %v\nstdout:\n%s\nstderr:\n%s", p.block, err, &stdout, &stderr)
	}
	if p.output != nil && stdout.String() != p.output.code {
		t.Errorf("%v: output =\n%s\nwant (%v):\n%s\nstderr:\n%s", p.block, &stdout, p.output, p.output.code, &stderr)
	}
}

var (
	linkRE = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	codeRE = regexp.MustCompile("(?s)```.*?```|`[^`\n]*`")
)

// TestLinks checks that the relative links of the docs name files that exist.
func TestLinks(t *testing.T) {
	root := repoRoot(t)
	for _, file := range docFiles(t, root) {
		data, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		// Links in code are not links.
		text := codeRE.ReplaceAllString(string(data), "")
		for _, m := range linkRE.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			path := filepath.Join(root, filepath.Dir(file), target)
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s: link %q: %v", file, m[1], err)
			}
		}
	}
}

// TestReadmeCommands checks that the README gives the two commands and that
// CI runs the README's test command.
func TestReadmeCommands(t *testing.T) {
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"go run ./examples/echo", "go test ./..."} {
		if !bytes.Contains(readme, []byte("\n"+cmd+"\n")) {
			t.Errorf("README.md does not give the command %q on a line of its own", cmd)
		}
	}
	ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(ci, []byte("go test ./...")) {
		t.Errorf(".ci/run does not run the README's test command %q", "go test ./...")
	}
}

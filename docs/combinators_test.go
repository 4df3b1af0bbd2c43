package docs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// exportedFuncs returns the names of the exported top-level functions
// (not methods) of the package in dir, test files aside.
func exportedFuncs(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	names := map[string]bool{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.IsExported() {
				names[fn.Name.Name] = true
			}
		}
	}
	return names
}

var (
	// tableRowRE matches a Markdown table row and captures its first cell.
	tableRowRE = regexp.MustCompile(`^\|([^|]*)\|`)
	// codeNameRE matches a name in backquotes: Map, channel.Bounded[T](c).
	codeNameRE = regexp.MustCompile("`([A-Za-z_][A-Za-z0-9_.]*)")
)

// tableNames returns the names given in backquotes in the first cell of the
// table rows of a Markdown text, each with the line it is on.
func tableNames(text string) map[string]int {
	names := map[string]int{}
	for i, line := range strings.Split(text, "\n") {
		m := tableRowRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, n := range codeNameRE.FindAllStringSubmatch(m[1], -1) {
			if _, seen := names[n[1]]; !seen {
				names[n[1]] = i + 1
			}
		}
	}
	return names
}

// TestCombinatorsTable keeps docs/combinators.md's tables in step with
// package combinators: every exported function has a row of its own (its name
// in backquotes in the first cell), and every unqualified name in a first cell
// is an exported function of the package.
func TestCombinatorsTable(t *testing.T) {
	root := repoRoot(t)
	funcs := exportedFuncs(t, filepath.Join(root, "combinators"))
	if len(funcs) == 0 {
		t.Fatal("package combinators has no exported functions: wrong directory?")
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "combinators.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := tableNames(string(doc))

	var missing []string
	for name := range funcs {
		if _, ok := rows[name]; !ok {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	for _, name := range missing {
		t.Errorf("docs/combinators.md: no table row for combinators.%s; add one", name)
	}
	for name, line := range rows {
		if !strings.Contains(name, ".") && !funcs[name] {
			t.Errorf("docs/combinators.md:%d: table row for %s, which package combinators does not export", line, name)
		}
	}
}

func TestTableNames(t *testing.T) {
	text := strings.Join([]string{
		"| combinator | what it does |",
		"| --- | --- |",
		"| `Map` | ready with `fn(v)` |",
		"| `channel.Bounded[T](c)` | many senders |",
		"not a row: `Filter`",
		"| `Share`, `Shared.Clone` | one result |",
	}, "\n")
	want := map[string]int{"Map": 3, "channel.Bounded": 4, "Share": 6, "Shared.Clone": 6}
	if diff := cmp.Diff(want, tableNames(text)); diff != "" {
		t.Errorf("tableNames() mismatch (-want +got):\n%s", diff)
	}
}

package report

import (
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
)

// Bar is one bar of a chart: a median with its range.
type Bar struct {
	Label     string
	Stats     Stats
	Highlight bool // drawn in the highlight colour (eddy)
}

// Chart is a vertical bar chart with min–max whiskers.
type Chart struct {
	Title  string // first line
	Note   string // second line, smaller: the unit and which way is better
	Digits int    // decimals of the value labels
	Bars   []Bar
}

// Colours of the charts.
const (
	highlightFill = "#d9480f"
	plainFill     = "#868e96"
)

const (
	chartW, chartH       = 720, 360
	padL, padR           = 64, 16
	padTop, padBot       = 64, 48
	plotW, plotH         = chartW - padL - padR, chartH - padTop - padBot
	titleSize, labelSize = 16, 12
)

// WriteSVG draws c as a standalone SVG document.
func (c Chart) WriteSVG(w io.Writer) error {
	var b strings.Builder
	top := 0.0
	for _, bar := range c.Bars {
		if bar.Stats.N > 0 {
			top = math.Max(top, math.Max(bar.Stats.Max, bar.Stats.Median))
		}
	}
	step := niceStep(top / 4)
	axisTop := step * math.Ceil(top/step)
	if axisTop <= 0 {
		axisTop = 1
	}
	y := func(v float64) float64 { return padTop + plotH - v/axisTop*plotH }

	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`+"\n",
		chartW, chartH, chartW, chartH)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", chartW, chartH)
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="%d" font-weight="bold">%s</text>`+"\n", padL, titleSize, esc(c.Title))
	fmt.Fprintf(&b, `<text x="%d" y="44" font-size="%d" fill="#495057">%s</text>`+"\n", padL, labelSize, esc(c.Note))
	for v := 0.0; v <= axisTop*(1+1e-9); v += step {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#dee2e6"/>`+"\n", padL, padL+plotW, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="%d" text-anchor="end" fill="#495057">%s</text>`+"\n",
			padL-6, y(v)+4, labelSize, esc(tick(v, step)))
	}
	if n := len(c.Bars); n > 0 {
		slot := float64(plotW) / float64(n)
		bw := slot * 0.6
		for i, bar := range c.Bars {
			x := padL + slot*float64(i) + (slot-bw)/2
			cx := x + bw/2
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="%d" text-anchor="middle"%s>%s</text>`+"\n",
				cx, padTop+plotH+18, labelSize, boldIf(bar.Highlight), esc(bar.Label))
			if bar.Stats.N == 0 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="%d" text-anchor="middle" fill="#c92a2a">failed</text>`+"\n",
					cx, y(0)-6, labelSize)
				continue
			}
			fill := plainFill
			if bar.Highlight {
				fill = highlightFill
			}
			s := bar.Stats
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: median %s, min %s, max %s, %d runs</title></rect>`+"\n",
				x, y(s.Median), bw, y(0)-y(s.Median), fill, esc(bar.Label),
				num(s.Median, c.Digits), num(s.Min, c.Digits), num(s.Max, c.Digits), s.N)
			// The whisker: min to max, with caps.
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#212529" stroke-width="1.5"/>`+"\n", cx, cx, y(s.Min), y(s.Max))
			for _, v := range []float64{s.Min, s.Max} {
				fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#212529" stroke-width="1.5"/>`+"\n", cx-bw/6, cx+bw/6, y(v), y(v))
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="%d" text-anchor="middle"%s>%s</text>`+"\n",
				cx, y(s.Max)-6, labelSize, boldIf(bar.Highlight), esc(num(s.Median, c.Digits)))
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#212529"/>`+"\n", padL, padL+plotW, padTop+plotH, padTop+plotH)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func boldIf(b bool) string {
	if b {
		return ` font-weight="bold"`
	}
	return ""
}

func esc(s string) string { return html.EscapeString(s) }

// niceStep returns the smallest of 1, 2, 2.5 and 5 times a power of ten
// that is at least v (1 for v <= 0).
func niceStep(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v*(1-1e-12) {
			return m * p
		}
	}
	return 10 * p
}

// tick formats an axis value with as many decimals as step needs.
func tick(v, step float64) string {
	d := 0
	for s := step; s < 1-1e-9 && d < 6; s *= 10 {
		d++
	}
	if step == 2.5*math.Pow(10, math.Floor(math.Log10(step))) && step < 10 {
		d++
	}
	return num(v, d)
}

// num formats v with digits decimals and thin-space thousands separators
// in its integer part.
func num(v float64, digits int) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var g strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			g.WriteString("\u202f")
		}
		g.WriteRune(r)
	}
	out := g.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

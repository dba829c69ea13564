package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Print writes the report for people: the figures first (so that `| head`
// shows them), then per-area scores, the confusion matrix and the misses.
func Print(w io.Writer, r Report) error {
	var b strings.Builder
	how := "shipped model"
	if r.Folds > 1 {
		how = fmt.Sprintf("%d-fold cross-validation grouped by `group`", r.Folds)
	}
	fmt.Fprintf(&b, "examples: %d (%s)\n", r.Examples, how)
	line := func(name string, s Score) {
		if s.Total == 0 {
			fmt.Fprintf(&b, "%-22s not labelled\n", name+":")
			return
		}
		fmt.Fprintf(&b, "%-22s %5.1f %%  (%d/%d)\n", name+":", 100*s.Accuracy, s.Right, s.Total)
	}
	line("area", r.Area)
	fmt.Fprintf(&b, "%-22s %5.3f\n", "area macro-F1:", r.MacroF1)
	line("subarea", r.Subarea)
	line("urgency within 24 h", r.Urgency)
	line("complexity", r.Complex)

	b.WriteString("\nper area:\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "area\tsupport\tprecision\trecall\tF1")
	for _, s := range r.PerArea {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f\n", s.Area, s.Support, s.Precision, s.Recall, s.F1)
	}
	tw.Flush()

	b.WriteString("\nconfusion (rows: labelled, columns: read):\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for _, a := range r.Labels {
		fmt.Fprintf(tw, "%s\t", short(string(a)))
	}
	fmt.Fprintln(tw)
	for i, a := range r.Labels {
		fmt.Fprintf(tw, "%s\t", short(string(a)))
		for _, n := range r.Confusion[i] {
			if n == 0 {
				fmt.Fprint(tw, ".\t")
			} else {
				fmt.Fprintf(tw, "%d\t", n)
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()

	if len(r.Misses) > 0 {
		b.WriteString("\nworst misses (most confident first):\n")
		for _, m := range r.Misses {
			fmt.Fprintf(&b, "%s: %s read as %s (%.2f): %s\n", m.ID, m.Want, m.Got, m.Score, m.Text)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// short abbreviates an area slug for the matrix's columns.
func short(s string) string {
	if len(s) > 5 {
		return s[:5]
	}
	return s
}

// PrintJSON prints r as indented JSON.
func PrintJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

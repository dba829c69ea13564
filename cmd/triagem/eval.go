package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/triagem/triagem/interview"
	"github.com/triagem/triagem/interview/eval"
)

// runEval scores the built-in engine on labelled JSON Lines files.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	folds := fs.Int("cv", 0, "K-fold cross-validation on the files, grouped by `group` (0: score with the shipped model)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: triagem eval [-cv K] [-json] FILE.jsonl [FILE.jsonl …]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("eval: at least one file is required")
	}
	var exs []interview.Example
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		more, err := interview.ReadExamples(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("eval: %s: %w", name, err)
		}
		exs = append(exs, more...)
	}
	rep, err := eval.Evaluate(ctx, exs, *folds)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return eval.Print(stdout, rep)
}

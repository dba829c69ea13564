package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

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
	exs, err := eval.ReadFiles(fs.Args()...)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	rep, err := eval.Evaluate(ctx, exs, *folds)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if *asJSON {
		return eval.PrintJSON(stdout, rep)
	}
	return eval.Print(stdout, rep)
}

// Package eval measures the built-in engine on labelled client
// descriptions: accuracy per field, macro-F1 for the area, the confusion
// matrix and the worst misses.
//
// Without cross-validation a file is scored with the shipped model (fitted
// on the embedded corpus): use it for an independent test file. With K-fold
// cross-validation the model is refitted on each training split and scored
// only on its held-out fold; folds are built from the examples' group, so
// descriptions of one situation never sit on both sides.
package eval

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/interview"
)

// Report is the outcome of an evaluation.
type Report struct {
	// Folds is K of the cross-validation, 0 for the shipped model.
	Folds    int         `json:"folds"`
	Examples int         `json:"examples"`
	Area     Score       `json:"area"`
	Subarea  Score       `json:"subarea"`
	Urgency  Score       `json:"urgency_24h"`
	Complex  Score       `json:"complexity"`
	MacroF1  float64     `json:"area_macro_f1"`
	PerArea  []AreaScore `json:"per_area"`
	// Confusion[i][j] counts examples of Labels[i] read as Labels[j].
	Labels    []triagem.Area `json:"labels"`
	Confusion [][]int        `json:"confusion"`
	// Misses are the wrong areas read with the highest confidence first.
	Misses []Miss `json:"worst_misses"`
}

// Score is right out of total for one field; total counts only the
// examples labelled for it.
type Score struct {
	Right    int     `json:"right"`
	Total    int     `json:"total"`
	Accuracy float64 `json:"accuracy"`
}

// AreaScore is precision, recall and F1 for one area.
type AreaScore struct {
	Area      triagem.Area `json:"area"`
	Support   int          `json:"support"`
	Precision float64      `json:"precision"`
	Recall    float64      `json:"recall"`
	F1        float64      `json:"f1"`
}

// Miss is one example whose area was read wrong.
type Miss struct {
	ID    string       `json:"id"`
	Want  triagem.Area `json:"want"`
	Got   triagem.Area `json:"got"`
	Score float64      `json:"score"`
	Text  string       `json:"text"`
}

// MaxMisses bounds the misses reported.
const MaxMisses = 15

// urgentWithinH is the urgency band scored: a labelled urgency within 24 h
// must be read within 24 h, a later one later.
const urgentWithinH = 24

// Evaluate scores examples; folds > 1 cross-validates, otherwise the
// shipped model is used.
func Evaluate(ctx context.Context, exs []interview.Example, folds int) (Report, error) {
	if len(exs) == 0 {
		return Report{}, fmt.Errorf("no examples")
	}
	preds := make([]interview.Classification, len(exs))
	if folds > 1 {
		for k := range folds {
			if err := ctx.Err(); err != nil {
				return Report{}, err
			}
			var train []interview.Example
			for _, ex := range exs {
				if foldOf(ex.Group, folds) != k {
					train = append(train, ex)
				}
			}
			if len(train) == 0 {
				return Report{}, fmt.Errorf("fold %d: no training examples (too few groups for %d folds)", k, folds)
			}
			m := interview.Fit(train)
			for i, ex := range exs {
				if foldOf(ex.Group, folds) == k {
					preds[i] = m.Classify(ex.Messages)
				}
			}
		}
	} else {
		folds = 0
		m := interview.ShippedModel()
		for i, ex := range exs {
			preds[i] = m.Classify(ex.Messages)
		}
	}
	rep := Report{Folds: folds, Examples: len(exs), Labels: triagem.Areas()}
	if err := rep.scoreRules(ctx, exs); err != nil {
		return Report{}, err
	}
	rep.scoreAreas(exs, preds)
	return rep, nil
}

// foldOf puts a group in a fold by a hash of its name: stable across runs
// and independent of the file order.
func foldOf(group string, k int) int {
	h := fnv.New32a()
	h.Write([]byte(group))
	return int(h.Sum32() % uint32(k))
}

func (r *Report) scoreAreas(exs []interview.Example, preds []interview.Classification) {
	index := map[triagem.Area]int{}
	for i, a := range r.Labels {
		index[a] = i
	}
	r.Confusion = make([][]int, len(r.Labels))
	for i := range r.Confusion {
		r.Confusion[i] = make([]int, len(r.Labels))
	}
	for i, ex := range exs {
		p := preds[i]
		r.Area.add(p.Area == ex.Area)
		if ex.Subarea != "" {
			r.Subarea.add(p.Area == ex.Area && p.Subarea == ex.Subarea)
		}
		r.Confusion[index[ex.Area]][index[p.Area]]++
		if p.Area != ex.Area {
			score := 0.0
			if len(p.Alternatives) > 0 {
				score = p.Alternatives[0].Score
			}
			r.Misses = append(r.Misses, Miss{ID: ex.ID, Want: ex.Area, Got: p.Area, Score: score, Text: excerpt(ex.Messages)})
		}
	}
	slices.SortStableFunc(r.Misses, func(a, b Miss) int { return cmp.Compare(b.Score, a.Score) })
	r.Misses = r.Misses[:min(len(r.Misses), MaxMisses)]
	sumF1, areas := 0.0, 0
	for i, a := range r.Labels {
		tp, support, predicted := r.Confusion[i][i], 0, 0
		for j := range r.Labels {
			support += r.Confusion[i][j]
			predicted += r.Confusion[j][i]
		}
		if support == 0 && predicted == 0 {
			continue
		}
		s := AreaScore{Area: a, Support: support, Precision: ratio(tp, predicted), Recall: ratio(tp, support)}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		r.PerArea = append(r.PerArea, s)
		sumF1 += s.F1
		areas++
	}
	r.MacroF1 = sumF1 / float64(max(areas, 1))
	r.Area.finish()
	r.Subarea.finish()
}

// scoreRules scores what the rules decide (urgency, complexity) with the
// engine as shipped: these are not fitted, so there is nothing to
// cross-validate.
func (r *Report) scoreRules(ctx context.Context, exs []interview.Example) error {
	iv := interview.New(interview.Config{})
	for _, ex := range exs {
		if ex.UrgencyH <= 0 && ex.Complexity == "" {
			continue
		}
		msgs := conversation(ex.Messages)
		if ex.UrgencyH > 0 {
			d := interview.Extract(msgs, triagem.Assessment{})
			r.Urgency.add((ex.UrgencyH <= urgentWithinH) == (d.UrgencyH > 0 && d.UrgencyH <= urgentWithinH))
		}
		if ex.Complexity != "" {
			turn, err := iv.Next(ctx, msgs)
			if err != nil {
				return fmt.Errorf("%s: %w", ex.ID, err)
			}
			r.Complex.add(turn.Assessment.Complexity == ex.Complexity)
		}
	}
	r.Urgency.finish()
	r.Complex.finish()
	return nil
}

// conversation lays the client's messages out as a conversation: the
// greeting, then the messages (an interview in between is not known).
func conversation(client []string) []triagem.Message {
	msgs := []triagem.Message{{Index: 0, Role: triagem.AuthorInterviewer, Text: "Olá! Descreva o seu problema."}}
	for _, m := range client {
		msgs = append(msgs, triagem.Message{Index: len(msgs), Role: triagem.AuthorClient, Text: m})
	}
	return msgs
}

func (s *Score) add(right bool) {
	s.Total++
	if right {
		s.Right++
	}
}

func (s *Score) finish() { s.Accuracy = ratio(s.Right, s.Total) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// excerptRunes bounds a miss's text in a report.
const excerptRunes = 100

func excerpt(msgs []string) string {
	text := ""
	for i, m := range msgs {
		if i > 0 {
			text += " | "
		}
		text += m
	}
	runes := []rune(text)
	if len(runes) > excerptRunes {
		return string(runes[:excerptRunes]) + "…"
	}
	return text
}

package interview

import (
	"math"
	"math/rand/v2"
	"slices"
)

// classifier is a fitted linear model over features: a score per class is
// the bias plus the sum of feature value × weight. It is immutable once
// fitted and safe for concurrent use.
type classifier struct {
	classes []string
	index   map[uint64]int32 // feature → row of weights
	// weights is row-major by feature: weights[row*len(classes)+class].
	weights []float32
	bias    []float64
}

// sparseDoc is a document's features as rows of the classifier.
type sparseDoc struct {
	rows []int32
	vals []float64
}

// lookup returns the features of f that have weights, by ascending row:
// scores are summed in that order, never in map order, so that the same
// text always gives the same bits.
func (c *classifier) lookup(f features) sparseDoc {
	type entry struct {
		row int32
		val float64
	}
	found := make([]entry, 0, len(f))
	for name, v := range f {
		if row, ok := c.index[name]; ok {
			found = append(found, entry{row, v})
		}
	}
	slices.SortFunc(found, func(a, b entry) int { return int(a.row) - int(b.row) })
	d := sparseDoc{rows: make([]int32, len(found)), vals: make([]float64, len(found))}
	for i, e := range found {
		d.rows[i], d.vals[i] = e.row, e.val
	}
	return d
}

// scores returns the class scores of d (log-odds up to a constant).
func (c *classifier) scores(d sparseDoc) []float64 {
	k := len(c.classes)
	out := slices.Clone(c.bias)
	for n, row := range d.rows {
		w := c.weights[int(row)*k : int(row)*k+k]
		for j := range out {
			out[j] += d.vals[n] * float64(w[j])
		}
	}
	return out
}

// scoresOf returns the scores of d for the given classes only, in their
// order.
func (c *classifier) scoresOf(d sparseDoc, classes []int) []float64 {
	k := len(c.classes)
	out := make([]float64, len(classes))
	for i, j := range classes {
		out[i] = c.bias[j]
	}
	for n, row := range d.rows {
		base := int(row) * k
		for i, j := range classes {
			out[i] += d.vals[n] * float64(c.weights[base+j])
		}
	}
	return out
}

// Logistic regression settings: enough epochs for the training loss to
// settle on a corpus of a few hundred descriptions; a small L2 penalty
// keeps rare features (one typo, one name) from deciding alone.
const (
	logisticEpochs = 15
	logisticRate   = 0.5
	logisticL2     = 1e-5
	// logisticSeed fixes the order examples are visited in, so a fit is
	// the same on every run.
	logisticSeed = 20240601
)

// fitLogistic fits a multinomial logistic regression (softmax) by
// stochastic gradient descent in a fixed pseudo-random order.
func fitLogistic(ix *featureIndex, labels []int, classes []string) *classifier {
	c, sparse := ix.newClassifier(classes), ix.docs
	k := len(classes)
	order := make([]int, len(sparse))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(logisticSeed, uint64(len(sparse))))
	probs := make([]float64, k)
	step := 0
	for epoch := range logisticEpochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := logisticRate / (1 + 0.2*float64(epoch))
		for _, i := range order {
			d := sparse[i]
			copy(probs, c.bias)
			for n, row := range d.rows {
				w := c.weights[int(row)*k : int(row)*k+k]
				for j := range probs {
					probs[j] += d.vals[n] * float64(w[j])
				}
			}
			softmax(probs)
			probs[labels[i]] -= 1 // now the gradient of the loss by score
			decay := float32(1 - rate*logisticL2)
			for n, row := range d.rows {
				w := c.weights[int(row)*k : int(row)*k+k]
				for j := range w {
					w[j] = w[j]*decay - float32(rate*probs[j]*d.vals[n])
				}
			}
			for j := range c.bias {
				c.bias[j] -= rate * probs[j] * 0.1
			}
			step++
		}
	}
	return c
}

// Naive Bayes smoothing: a feature never seen with a class still has a
// small probability under it.
const bayesAlpha = 0.05

// fitBayes fits a multinomial naive Bayes model with uniform priors (the
// corpus has about as many descriptions per area as the writers chose,
// which says nothing about real frequencies).
func fitBayes(ix *featureIndex, labels []int, classes []string) *classifier {
	c, sparse := ix.newClassifier(classes), ix.docs
	k := len(classes)
	rows := len(c.index)
	counts := make([]float64, rows*k)
	totals := make([]float64, k)
	for i, d := range sparse {
		for n, row := range d.rows {
			counts[int(row)*k+labels[i]] += d.vals[n]
			totals[labels[i]] += d.vals[n]
		}
	}
	for row := range rows {
		for j := range k {
			p := (counts[row*k+j] + bayesAlpha) / (totals[j] + bayesAlpha*float64(rows))
			c.weights[row*k+j] = float32(math.Log(p))
		}
	}
	return c
}

// minDocFreq is how many training descriptions a feature must occur in to
// get weights. Rarer features (a name, one typo, a word pair said once) fit
// only the description they come from: dropping them halves the model
// without changing what it reads (measured by cross-validation: see doc.go).
// Three, not two, because a description and its rewording in the same
// group often share their rare words.
const minDocFreq = 3

// featureIndex numbers the features that get weights and holds the
// training documents over those rows. Both classifiers of a model share
// one index.
type featureIndex struct {
	index map[uint64]int32
	docs  []sparseDoc
}

// newFeatureIndex indexes the features of docs that occur in at least
// minDocFreq of them, in sorted order, so the rows never depend on map
// iteration.
func newFeatureIndex(docs []features) *featureIndex {
	df := map[uint64]int{}
	for _, d := range docs {
		for name := range d {
			df[name]++
		}
	}
	var names []uint64
	for name, n := range df {
		if n >= minDocFreq {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	ix := &featureIndex{index: make(map[uint64]int32, len(names)), docs: make([]sparseDoc, len(docs))}
	for i, name := range names {
		ix.index[name] = int32(i)
	}
	for i, d := range docs {
		keys := make([]uint64, 0, len(d))
		for name := range d {
			if _, ok := ix.index[name]; ok {
				keys = append(keys, name)
			}
		}
		slices.Sort(keys)
		for _, name := range keys {
			ix.docs[i].rows = append(ix.docs[i].rows, ix.index[name])
			ix.docs[i].vals = append(ix.docs[i].vals, d[name])
		}
	}
	return ix
}

// newClassifier returns a classifier over the index's rows with zero
// weights.
func (ix *featureIndex) newClassifier(classes []string) *classifier {
	return &classifier{
		classes: classes,
		index:   ix.index,
		weights: make([]float32, len(ix.index)*len(classes)),
		bias:    make([]float64, len(classes)),
	}
}

// softmax turns scores into probabilities in place.
func softmax(s []float64) {
	top := math.Inf(-1)
	for _, v := range s {
		top = math.Max(top, v)
	}
	sum := 0.0
	for i, v := range s {
		s[i] = math.Exp(v - top)
		sum += s[i]
	}
	for i := range s {
		s[i] /= sum
	}
}

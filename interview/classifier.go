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

// scores returns the class scores of f (log-odds up to a constant).
func (c *classifier) scores(f features) []float64 {
	k := len(c.classes)
	out := slices.Clone(c.bias)
	for name, v := range f {
		row, ok := c.index[name]
		if !ok {
			continue
		}
		w := c.weights[int(row)*k : int(row)*k+k]
		for j := range out {
			out[j] += v * float64(w[j])
		}
	}
	return out
}

// scoresOf returns the scores of the given classes only, in their order.
func (c *classifier) scoresOf(f features, classes []int) []float64 {
	k := len(c.classes)
	out := make([]float64, len(classes))
	for i, j := range classes {
		out[i] = c.bias[j]
	}
	for name, v := range f {
		row, ok := c.index[name]
		if !ok {
			continue
		}
		base := int(row) * k
		for i, j := range classes {
			out[i] += v * float64(c.weights[base+j])
		}
	}
	return out
}

// known counts the features of f the classifier has weights for.
func (c *classifier) known(f features) int {
	n := 0
	for name := range f {
		if _, ok := c.index[name]; ok {
			n++
		}
	}
	return n
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
func fitLogistic(docs []features, labels []int, classes []string) *classifier {
	c, sparse := newClassifier(docs, classes)
	k := len(classes)
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(logisticSeed, uint64(len(docs))))
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
func fitBayes(docs []features, labels []int, classes []string) *classifier {
	c, sparse := newClassifier(docs, classes)
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

// newClassifier indexes every feature of docs (in sorted order, so the
// rows never depend on map iteration) and returns zero weights.
func newClassifier(docs []features, classes []string) (*classifier, []sparseDoc) {
	var names []uint64
	seen := map[uint64]bool{}
	for _, d := range docs {
		for name := range d {
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	c := &classifier{classes: classes, index: make(map[uint64]int32, len(names)), bias: make([]float64, len(classes))}
	for i, name := range names {
		c.index[name] = int32(i)
	}
	c.weights = make([]float32, len(names)*len(classes))
	sparse := make([]sparseDoc, len(docs))
	for i, d := range docs {
		keys := make([]uint64, 0, len(d))
		for name := range d {
			keys = append(keys, name)
		}
		slices.Sort(keys)
		for _, name := range keys {
			sparse[i].rows = append(sparse[i].rows, c.index[name])
			sparse[i].vals = append(sparse[i].vals, d[name])
		}
	}
	return c, sparse
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

package interview

import (
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
)

// The shipped model is fitted ahead of time, not at start-up: go generate
// runs internal/genmodel, which fits it from the embedded corpus and writes
// model.bin; the package embeds that file and decodes it on first use
// (shippedModel). Fitting stays in the package for the generator and for
// cross-validation (Fit), which refits on every fold.
//
// model.bin records a hash of the corpus files and one of everything else
// the fit depends on (fitParamsHash); TestShippedModelIsCurrent fails when
// either differs from the package's, and TestShippedModelMatchesFreshFit
// when refitting would not give the same bytes.
//
//go:generate go run ./internal/genmodel -o model.bin

// modelFileName is the embedded model's file, beside this one.
const modelFileName = "model.bin"

//go:embed model.bin
var shippedModelFile []byte

// The file format (little-endian):
//
//	magic "TRGMODEL", format version uint32
//	corpus hash [32]byte, parameters hash [32]byte (SHA-256)
//	uvarint descriptions fitted, uvarint features
//	features × uint64: the feature hashes, ascending (row i is the i-th)
//	two classifiers (areas, then subareas), each:
//	  uvarint classes, each a uvarint length and its bytes
//	  classes × float64 bias
//	  classes × float32 default weight (the commonest in the column)
//	  features × row: uvarint n, then n == classes: classes × float32;
//	    n < classes: n × (uvarint gap to the previous class index, float32),
//	    the classes whose weight is not the default
//
// The naive Bayes weights of a feature never seen with a subarea are one
// value per subarea, so the sparse rows keep that matrix small; the
// logistic regression's rows are dense. Every weight is stored as fitted,
// so a decoded model reads exactly as the fitted one.
const (
	modelMagic         = "TRGMODEL"
	modelFormatVersion = 1
)

// modelHeader says what a model file was fitted from.
type modelHeader struct {
	CorpusHash [sha256.Size]byte
	ParamsHash [sha256.Size]byte
	// Examples is how many descriptions were fitted; Features how many
	// features have weights.
	Examples, Features int
}

// FitShippedModelFile fits the area model from the embedded corpus and
// returns the bytes of model.bin (what go generate writes). It is
// deterministic: the same corpus and code give the same bytes.
func FitShippedModelFile() ([]byte, error) {
	_, b, err := fitShippedModel()
	return b, err
}

// fitShippedModel fits the model from the embedded corpus and encodes it.
func fitShippedModel() (*engineModel, []byte, error) {
	exs, err := ShippedCorpus()
	if err != nil {
		return nil, nil, err
	}
	ch, err := corpusHash()
	if err != nil {
		return nil, nil, err
	}
	m := fitModel(exs)
	h := modelHeader{CorpusHash: ch, ParamsHash: fitParamsHash(), Examples: len(exs), Features: len(m.area.index)}
	b, err := encodeModel(h, m)
	return m, b, err
}

// corpusHash is the SHA-256 of the embedded corpus: every file's name and
// contents, in name order.
func corpusHash() ([sha256.Size]byte, error) {
	names, err := fs.Glob(corpusFiles, "testdata/corpus/*.jsonl")
	if err != nil {
		return [sha256.Size]byte{}, fmt.Errorf("list corpus: %w", err)
	}
	h := sha256.New()
	for _, name := range names {
		b, err := corpusFiles.ReadFile(name)
		if err != nil {
			return [sha256.Size]byte{}, fmt.Errorf("read %s: %w", name, err)
		}
		fmt.Fprintf(h, "%s %d\n", path.Base(name), len(b))
		h.Write(b)
	}
	return [sha256.Size]byte(h.Sum(nil)), nil
}

// fitProbe is read by fitParamsHash: its features change whenever the
// tokenizer, the folding, the stemmer, the grams or the filler rule do.
var fitProbe = []string{
	"Fui DEMITIDA sem justa causa e não recebi as verbas rescisórias; trabaiava lá desde 2019, R$ 2.500,00 por mês.",
	"não sei",
	"só isso",
	"O INSS negou minha aposentadoria por idade. Eu era lavrador, e o perito disse que não há provas.",
}

// fitParamsHash is the SHA-256 of everything besides the corpus that the
// fitted weights depend on: the file format, the fit settings, the classes,
// the feature settings and word lists, and the features of fitProbe.
func fitParamsHash() [sha256.Size]byte {
	h := sha256.New()
	fmt.Fprintf(h, "format %d\nminDocFreq %d\nlogistic %d %v %v %d\nbayes %v\ngrams %d %d %v\nfiller %d\n",
		modelFormatVersion, minDocFreq, logisticEpochs, logisticRate, logisticL2, logisticSeed, bayesAlpha,
		charGramMin, charGramMax, charGramWeight, fillerMaxWords)
	areas, subareas := modelClasses()
	fmt.Fprintf(h, "areas %s\nsubareas %s\n", strings.Join(areas, " "), strings.Join(subareas, " "))
	fmt.Fprintf(h, "stopwords %s\nfiller words %s\nsuffixes %s\n",
		strings.Join(sortedKeys(stopwords), " "), strings.Join(sortedKeys(fillerWords), " "), strings.Join(stemSuffixes, " "))
	f := textFeatures(fitProbe)
	keys := make([]uint64, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%x %x\n", k, math.Float64bits(f[k]))
	}
	return [sha256.Size]byte(h.Sum(nil))
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// encodeModel writes a fitted model in the file format above.
func encodeModel(h modelHeader, m *engineModel) ([]byte, error) {
	names := make([]uint64, len(m.area.index))
	for name, row := range m.area.index {
		names[row] = name
	}
	if len(m.subarea.index) != len(names) {
		return nil, errors.New("encode model: the classifiers do not share their features")
	}
	for name, row := range m.subarea.index {
		if m.area.index[name] != row {
			return nil, errors.New("encode model: the classifiers do not share their features")
		}
	}
	b := append([]byte(modelMagic), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[len(modelMagic):], modelFormatVersion)
	b = append(b, h.CorpusHash[:]...)
	b = append(b, h.ParamsHash[:]...)
	b = binary.AppendUvarint(b, uint64(h.Examples))
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, name := range names {
		b = binary.LittleEndian.AppendUint64(b, name)
	}
	for _, c := range []*classifier{m.area, m.subarea} {
		b = appendClassifier(b, c, len(names))
	}
	return b, nil
}

func appendClassifier(b []byte, c *classifier, rows int) []byte {
	k := len(c.classes)
	b = binary.AppendUvarint(b, uint64(k))
	for _, name := range c.classes {
		b = binary.AppendUvarint(b, uint64(len(name)))
		b = append(b, name...)
	}
	for _, v := range c.bias {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	defaults := columnDefaults(c.weights, k)
	for _, v := range defaults {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	for row := range rows {
		w := c.weights[row*k : row*k+k]
		n := 0
		for j, v := range w {
			if math.Float32bits(v) != defaults[j] {
				n++
			}
		}
		if n*5 >= k*4 { // a sparse entry takes 5 bytes, a dense one 4
			b = binary.AppendUvarint(b, uint64(k))
			for _, v := range w {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
			}
			continue
		}
		b = binary.AppendUvarint(b, uint64(n))
		prev := -1
		for j, v := range w {
			if math.Float32bits(v) != defaults[j] {
				b = binary.AppendUvarint(b, uint64(j-prev-1))
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
				prev = j
			}
		}
	}
	return b
}

// columnDefaults is, per column of a row-major matrix of k columns, the
// bits of its commonest value (the smallest on a tie, so that the file does
// not depend on map order).
func columnDefaults(weights []float32, k int) []uint32 {
	out := make([]uint32, k)
	for j := range k {
		counts := map[uint32]int{}
		for i := j; i < len(weights); i += k {
			counts[math.Float32bits(weights[i])]++
		}
		best := 0
		for v, n := range counts {
			if n > best || n == best && v < out[j] {
				out[j], best = v, n
			}
		}
	}
	return out
}

// errModelFile is wrapped by every error of a malformed model file.
var errModelFile = errors.New("malformed model file")

// modelReader reads the file format, remembering the first error.
type modelReader struct {
	b   []byte
	err error
}

func (r *modelReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", errModelFile, what)
	}
	r.b = nil
}

func (r *modelReader) bytes(n int, what string) []byte {
	if n < 0 || len(r.b) < n {
		r.fail("truncated " + what)
		return make([]byte, max(n, 0))
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *modelReader) uvarint(what string, limit int) int {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > uint64(limit) {
		r.fail("bad " + what)
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *modelReader) uint32(what string) uint32 {
	return binary.LittleEndian.Uint32(r.bytes(4, what))
}

func (r *modelReader) uint64(what string) uint64 {
	return binary.LittleEndian.Uint64(r.bytes(8, what))
}

// maxModelClasses bounds the class count a file may declare (the sparse
// rows index classes with one byte in practice; this only stops a corrupt
// count from allocating without bound).
const maxModelClasses = 1 << 12

func readModelHeader(r *modelReader) modelHeader {
	var h modelHeader
	if string(r.bytes(len(modelMagic), "magic")) != modelMagic {
		r.fail("not a model file")
		return h
	}
	if v := r.uint32("version"); r.err == nil && v != modelFormatVersion {
		r.fail(fmt.Sprintf("format version %d, want %d", v, modelFormatVersion))
		return h
	}
	copy(h.CorpusHash[:], r.bytes(sha256.Size, "corpus hash"))
	copy(h.ParamsHash[:], r.bytes(sha256.Size, "parameters hash"))
	h.Examples = r.uvarint("description count", math.MaxInt32)
	h.Features = r.uvarint("feature count", len(r.b)/8)
	return h
}

// decodeModelHeader reads only a model file's header.
func decodeModelHeader(b []byte) (modelHeader, error) {
	r := &modelReader{b: b}
	h := readModelHeader(r)
	return h, r.err
}

// decodeModel reads a model file written by encodeModel.
func decodeModel(b []byte) (*engineModel, error) {
	r := &modelReader{b: b}
	h := readModelHeader(r)
	index := make(map[uint64]int32, h.Features)
	prev := uint64(0)
	for row := range h.Features {
		name := r.uint64("features")
		if row > 0 && name <= prev {
			r.fail("features out of order")
		}
		index[name], prev = int32(row), name
	}
	area := readClassifier(r, index, h.Features)
	subarea := readClassifier(r, index, h.Features)
	if r.err == nil && len(r.b) != 0 {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(area.classes) == 0 || len(subarea.classes) == 0 {
		return nil, fmt.Errorf("%w: no classes", errModelFile)
	}
	return newEngineModel(area, subarea), nil
}

func readClassifier(r *modelReader, index map[uint64]int32, rows int) *classifier {
	k := r.uvarint("class count", maxModelClasses)
	c := &classifier{classes: make([]string, k), index: index, bias: make([]float64, k)}
	for j := range k {
		c.classes[j] = string(r.bytes(r.uvarint("class name", len(r.b)), "class name"))
	}
	for j := range k {
		c.bias[j] = math.Float64frombits(r.uint64("bias"))
	}
	defaults := make([]float32, k)
	for j := range k {
		defaults[j] = math.Float32frombits(r.uint32("defaults"))
	}
	if r.err != nil {
		return c
	}
	c.weights = make([]float32, rows*k)
	for row := range rows {
		w := c.weights[row*k : row*k+k]
		n := r.uvarint("row length", k)
		if n == k {
			for j := range w {
				w[j] = math.Float32frombits(r.uint32("weights"))
			}
			continue
		}
		copy(w, defaults)
		j := -1
		for range n {
			j += 1 + r.uvarint("class gap", k)
			v := math.Float32frombits(r.uint32("weights"))
			if j >= k {
				r.fail("class out of range")
			}
			if r.err != nil {
				return c
			}
			w[j] = v
		}
	}
	return c
}

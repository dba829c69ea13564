package jobs

import (
	"encoding/binary"
	"hash/fnv"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// retryPolicy is exponential backoff with jitter, tuned per kind. The jitter
// is derived from the job id and failure count instead of a random source,
// so that the task_update event can announce the same next attempt time that
// River stores (to within the milliseconds between the two calls).
type retryPolicy struct {
	byKind map[string]KindConfig
}

func newRetryPolicy(cfg Config) *retryPolicy {
	return &retryPolicy{byKind: map[string]KindConfig{
		KindAnalyze: cfg.Analyze,
		KindNotify:  cfg.Notify,
		KindCleanup: cfg.Cleanup,
	}}
}

// NextRetry implements river.ClientRetryPolicy.
func (p *retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().UTC().Add(p.delay(job))
}

// delay is RetryBase·2^(n-1) for the n-th failure, jittered by ±20% and
// capped at RetryMax. n counts recorded errors plus the one being handled,
// as River's own policy does, so that snoozes do not shift the schedule.
func (p *retryPolicy) delay(job *rivertype.JobRow) time.Duration {
	k, ok := p.byKind[job.Kind]
	if !ok {
		k = KindConfig{RetryBase: time.Second, RetryMax: time.Minute}
	}
	failures := len(job.Errors) + 1
	d := k.RetryBase
	for i := 1; i < failures && d < k.RetryMax; i++ {
		d *= 2
	}
	d = min(d, k.RetryMax)
	jittered := time.Duration(float64(d) * (0.8 + 0.4*jitterFraction(job.ID, failures)))
	return max(min(jittered, k.RetryMax), time.Millisecond)
}

// jitterFraction is a stable pseudo-random number in [0, 1).
func jitterFraction(jobID int64, failures int) float64 {
	h := fnv.New64a()
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(jobID))
	binary.LittleEndian.PutUint64(b[8:], uint64(failures))
	_, _ = h.Write(b[:])
	return float64(h.Sum64()%10_000) / 10_000
}

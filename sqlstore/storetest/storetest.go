// Package storetest is the conformance suite for the SQL triagem.Store: one
// set of tests that every dialect runs (as River's riverdrivertest.Exercise
// does for its drivers), so that SQLite and Postgres cannot drift apart.
//
// The suite is split by area: cases, messages, results, concurrency and
// errors. Each subtest asks newStore for its own empty, migrated store and
// runs in parallel. A few tests query the store's tables through the
// *sql.Tx handed to a TxHook, so the suite is for sqlstore, not for any
// triagem.Store.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// Run runs the whole suite. newStore must return an empty, migrated store
// that is closed when t ends.
func Run(t *testing.T, newStore func(t *testing.T) triagem.Store) {
	t.Run("Cases", func(t *testing.T) { t.Parallel(); testCases(t, newStore) })
	t.Run("Messages", func(t *testing.T) { t.Parallel(); testMessages(t, newStore) })
	t.Run("Results", func(t *testing.T) { t.Parallel(); testResults(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { t.Parallel(); testConcurrency(t, newStore) })
	t.Run("Errors", func(t *testing.T) { t.Parallel(); testErrors(t, newStore) })
	t.Run("Firm", func(t *testing.T) { t.Parallel(); testFirm(t, newStore) })
}

// BenchCaseUpdate measures one CaseUpdate appending two messages (a client's
// message and the interviewer's reply: one turn) to a single case.
func BenchCaseUpdate(b *testing.B, store triagem.Store) {
	ctx := b.Context()
	c := newCase()
	require.NoError(b, store.CaseCreate(ctx, triagem.CaseWrite{Case: c, Messages: turn("Olá")}))
	for b.Loop() {
		c.Questions++
		err := store.CaseUpdate(ctx, triagem.CaseWrite{
			Case:     c,
			Messages: turn("Comprei um produto com defeito.", "Quando foi a compra?"),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// setup returns a fresh store and the test's context.
func setup(t *testing.T, newStore func(t *testing.T) triagem.Store) (context.Context, triagem.Store) {
	t.Helper()
	return t.Context(), newStore(t)
}

// newCase returns a case that has every field set and is not yet stored.
func newCase() *triagem.Case {
	return &triagem.Case{
		ID:         uuid.NewString(),
		OwnerID:    "owner-" + uuid.NewString()[:8],
		Status:     triagem.StatusInterviewing,
		Complexity: triagem.ComplexityMedium,
		Confidence: 0.625,
		Strategy:   triagem.StrategyFailover,
		Area:       "consumidor",
		Questions:  2,
	}
}

// turn returns messages alternating interviewer and client, starting with
// the interviewer (the greeting).
func turn(texts ...string) []triagem.Message {
	messages := make([]triagem.Message, len(texts))
	for i, text := range texts {
		role := triagem.AuthorInterviewer
		if i%2 == 1 {
			role = triagem.AuthorClient
		}
		messages[i] = triagem.Message{Role: role, Text: text}
	}
	return messages
}

// createCase stores c with messages and fails the test on error.
func createCase(ctx context.Context, t *testing.T, store triagem.Store, c *triagem.Case, messages ...triagem.Message) {
	t.Helper()
	require.NoError(t, store.CaseCreate(ctx, triagem.CaseWrite{Case: c, Messages: messages}))
}

// requireCode fails unless err carries code.
func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, triagem.ErrorCode(err), "error: %v", err)
}

// requireWithin fails unless got lies in [from, to] once both are brought to
// the stored precision.
func requireWithin(t *testing.T, got, from, to time.Time) {
	t.Helper()
	from, to = from.Truncate(time.Microsecond), to.Truncate(time.Microsecond).Add(time.Microsecond)
	require.False(t, got.Before(from), "%v before %v", got, from)
	require.False(t, got.After(to), "%v after %v", got, to)
}

// storedTime is t as the store keeps it: UTC, whole microseconds.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

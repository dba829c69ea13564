package storetest

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func testCases(t *testing.T, newStore func(t *testing.T) triagem.Store) {
	t.Run("CreateGetRoundTrip", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		// Nanoseconds and a non-UTC zone: the store keeps UTC microseconds.
		brasilia := time.FixedZone("BRT", -3*60*60)
		c := &triagem.Case{
			ID:           uuid.NewString(),
			OwnerID:      "alice",
			Status:       triagem.StatusFailed,
			Complexity:   triagem.ComplexityHigh,
			Confidence:   0.1 + 0.2, // not exactly 0.3: floats must survive bit for bit
			Strategy:     triagem.StrategyEnsemble,
			Area:         "trabalhista",
			Questions:    7,
			Error:        "analyzer timed out",
			ForcedReason: "cliente com pressa",
			CreatedAt:    time.Date(2025, 3, 4, 5, 6, 7, 123456789, brasilia),
			UpdatedAt:    time.Date(2025, 3, 4, 5, 16, 7, 987654321, brasilia),
			Version:      42, // ignored: a new case is version 1
		}
		createCase(ctx, t, store, c)

		want := triagem.Case{
			ID:           c.ID,
			OwnerID:      "alice",
			Status:       triagem.StatusFailed,
			Complexity:   triagem.ComplexityHigh,
			Confidence:   0.1 + 0.2,
			Strategy:     triagem.StrategyEnsemble,
			Area:         "trabalhista",
			Questions:    7,
			Error:        "analyzer timed out",
			ForcedReason: "cliente com pressa",
			CreatedAt:    time.Date(2025, 3, 4, 8, 6, 7, 123456000, time.UTC),
			UpdatedAt:    time.Date(2025, 3, 4, 8, 16, 7, 987654000, time.UTC),
			Version:      1,
		}
		require.Equal(t, want, *c, "caller's case holds what was stored")

		got, err := store.CaseGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, want, *got)
	})

	t.Run("CreateFillsDefaults", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := &triagem.Case{OwnerID: "bob", Status: triagem.StatusInterviewing}
		before := time.Now()
		createCase(ctx, t, store, c)
		after := time.Now()

		_, err := uuid.Parse(c.ID)
		require.NoError(t, err, "an empty id becomes a UUID")
		require.Equal(t, int64(1), c.Version)
		requireWithin(t, c.CreatedAt, before, after)
		require.Equal(t, c.CreatedAt, c.UpdatedAt)

		got, err := store.CaseGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, *c, *got)
	})

	t.Run("CreateDuplicateConflicts", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c)
		again := newCase()
		again.ID = c.ID
		requireCode(t, store.CaseCreate(ctx, triagem.CaseWrite{Case: again}), triagem.ECONFLICT)
	})

	t.Run("CreateRunsHookInTransaction", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		var seenVersion int64
		err := store.CaseCreate(ctx, triagem.CaseWrite{
			Case: c,
			Hook: func(ctx context.Context, tx *sql.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT version FROM cases WHERE id = $1`, c.ID).Scan(&seenVersion)
			},
		})
		require.NoError(t, err)
		require.Equal(t, int64(1), seenVersion)
	})

	t.Run("CreateHookErrorRollsBack", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		hookErr := errors.New("queue refused the job")
		err := store.CaseCreate(ctx, triagem.CaseWrite{
			Case:     c,
			Messages: turn("Olá"),
			Hook:     func(context.Context, *sql.Tx) error { return hookErr },
		})
		require.ErrorIs(t, err, hookErr)
		require.Equal(t, int64(0), c.Version, "caller's case untouched")

		_, err = store.CaseGet(ctx, c.ID)
		requireCode(t, err, triagem.ENOTFOUND)
	})

	t.Run("UpdateBumpsVersionAndUpdatedAt", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		c.CreatedAt = time.Now().Add(-time.Hour)
		c.UpdatedAt = c.CreatedAt
		createCase(ctx, t, store, c)
		created := *c

		c.Status = triagem.StatusAnalyzing
		c.Complexity = triagem.ComplexityHigh
		c.Confidence = 0.875
		c.Strategy = triagem.StrategyEnsemble
		c.Area = "família"
		c.Questions = 5
		c.Error = "none yet"
		c.ForcedReason = "tempo esgotado"
		before := time.Now()
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c}))
		after := time.Now()

		require.Equal(t, int64(2), c.Version)
		requireWithin(t, c.UpdatedAt, before, after)
		require.True(t, c.UpdatedAt.After(created.UpdatedAt))
		require.Equal(t, created.CreatedAt, c.CreatedAt)

		got, err := store.CaseGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, *c, *got)

		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c}))
		require.Equal(t, int64(3), c.Version)
		require.False(t, c.UpdatedAt.Before(got.UpdatedAt))
	})

	t.Run("UpdateKeepsOwnerAndCreatedAt", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c)
		changed := *c
		changed.OwnerID = "mallory"
		changed.CreatedAt = c.CreatedAt.Add(-24 * time.Hour)
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: &changed}))

		got, err := store.CaseGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, c.OwnerID, got.OwnerID)
		require.Equal(t, c.CreatedAt, got.CreatedAt)
	})

	t.Run("UpdateStaleVersionConflictsAndWritesNothing", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c, turn("Olá")...)
		stale := *c
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c}))
		stored := *c

		stale.Status = triagem.StatusCompleted
		messages := turn("resposta atrasada")
		result := fullResult(c.ID)
		err := store.CaseUpdate(ctx, triagem.CaseWrite{Case: &stale, Messages: messages, Result: result})
		requireCode(t, err, triagem.ECONFLICT)
		require.Equal(t, int64(1), stale.Version, "caller's case untouched")
		require.Equal(t, 0, messages[0].Index)
		require.Empty(t, messages[0].CaseID, "caller's messages untouched")

		got, err := store.CaseGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, stored, *got)
		gotMessages, err := store.MessageList(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, gotMessages, 1, "no message appended")
		_, err = store.ResultGet(ctx, c.ID)
		requireCode(t, err, triagem.ENOTFOUND)
	})

	t.Run("UpdateHookErrorRollsBackEverything", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c, turn("Olá")...)
		stored := *c

		hookErr := errors.New("queue refused the job")
		next := *c
		next.Status = triagem.StatusAnalyzing
		err := store.CaseUpdate(ctx, triagem.CaseWrite{
			Case:     &next,
			Messages: turn("Pode analisar."),
			Result:   fullResult(c.ID),
			Hook:     func(context.Context, *sql.Tx) error { return hookErr },
		})
		require.ErrorIs(t, err, hookErr)
		require.Equal(t, stored.Version, next.Version, "caller's case untouched")

		got, err := store.CaseGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, stored, *got)
		messages, err := store.MessageList(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, messages, 1)
		_, err = store.ResultGet(ctx, c.ID)
		requireCode(t, err, triagem.ENOTFOUND)

		// The case is still writable at its old version.
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: &next}))
		require.Equal(t, int64(2), next.Version)
	})

	t.Run("HookCodedErrorKeepsItsCode", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c)
		err := store.CaseUpdate(ctx, triagem.CaseWrite{
			Case: c,
			Hook: func(context.Context, *sql.Tx) error {
				return triagem.Errorf(triagem.ENOTINTERVIEW, "The case is past its interview.")
			},
		})
		requireCode(t, err, triagem.ENOTINTERVIEW)
	})

	t.Run("HookSeesUncommittedWrite", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c, turn("Olá")...)
		c.Status = triagem.StatusAnalyzing

		var (
			seenMessages int
			seenStatus   string
			seenVersion  int64
		)
		err := store.CaseUpdate(ctx, triagem.CaseWrite{
			Case:     c,
			Messages: turn("Pergunta?", "Resposta."),
			Result:   fullResult(c.ID),
			Hook: func(ctx context.Context, tx *sql.Tx) error {
				row := tx.QueryRowContext(ctx, `SELECT version, status FROM cases WHERE id = $1`, c.ID)
				if err := row.Scan(&seenVersion, &seenStatus); err != nil {
					return err
				}
				row = tx.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE case_id = $1`, c.ID)
				return row.Scan(&seenMessages)
			},
		})
		require.NoError(t, err)
		require.Equal(t, int64(2), seenVersion)
		require.Equal(t, string(triagem.StatusAnalyzing), seenStatus)
		require.Equal(t, 3, seenMessages)
	})

	t.Run("DeleteCascades", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		other := newCase()
		createCase(ctx, t, store, c, turn("Olá", "Oi")...)
		createCase(ctx, t, store, other, turn("Olá")...)
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Result: fullResult(c.ID)}))

		require.NoError(t, store.CaseDelete(ctx, c.ID))

		_, err := store.CaseGet(ctx, c.ID)
		requireCode(t, err, triagem.ENOTFOUND)
		_, err = store.MessageList(ctx, c.ID)
		requireCode(t, err, triagem.ENOTFOUND)
		_, err = store.ResultGet(ctx, c.ID)
		requireCode(t, err, triagem.ENOTFOUND)
		requireCode(t, store.CaseDelete(ctx, c.ID), triagem.ENOTFOUND)

		// A re-created case with the same id starts empty: nothing was left behind.
		again := newCase()
		again.ID = c.ID
		createCase(ctx, t, store, again)
		messages, err := store.MessageList(ctx, c.ID)
		require.NoError(t, err)
		require.Empty(t, messages)
		_, err = store.ResultGet(ctx, c.ID)
		requireCode(t, err, triagem.ENOTFOUND)

		otherMessages, err := store.MessageList(ctx, other.ID)
		require.NoError(t, err)
		require.Len(t, otherMessages, 1, "other cases untouched")
	})

	t.Run("CountByStatus", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		counts, err := store.CaseCountByStatus(ctx)
		require.NoError(t, err)
		require.Equal(t, map[triagem.Status]int{
			triagem.StatusInterviewing: 0,
			triagem.StatusAnalyzing:    0,
			triagem.StatusCompleted:    0,
			triagem.StatusFailed:       0,
		}, counts)

		for _, status := range []triagem.Status{
			triagem.StatusInterviewing, triagem.StatusInterviewing, triagem.StatusCompleted,
		} {
			c := newCase()
			c.Status = status
			createCase(ctx, t, store, c)
		}
		counts, err = store.CaseCountByStatus(ctx)
		require.NoError(t, err)
		require.Equal(t, map[triagem.Status]int{
			triagem.StatusInterviewing: 2,
			triagem.StatusAnalyzing:    0,
			triagem.StatusCompleted:    1,
			triagem.StatusFailed:       0,
		}, counts)
	})

	t.Run("ListUpdatedBefore", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		base := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
		createAt := func(offset time.Duration) string {
			c := newCase()
			c.CreatedAt = base
			c.UpdatedAt = base.Add(offset)
			createCase(ctx, t, store, c)
			return c.ID
		}
		threeHours := createAt(3 * time.Hour)
		oneHour := createAt(time.Hour)
		twoHours := createAt(2 * time.Hour)
		oneHourToo := createAt(time.Hour)
		createAt(5 * time.Hour)
		// A microsecond apart: sub-second order must hold on both dialects.
		justBefore := createAt(4*time.Hour - time.Microsecond)

		tied := []string{oneHour, oneHourToo}
		slices.Sort(tied) // same updated_at: ordered by id

		ids, err := store.CaseListUpdatedBefore(ctx, base.Add(4*time.Hour), 10)
		require.NoError(t, err)
		require.Equal(t, []string{tied[0], tied[1], twoHours, threeHours, justBefore}, ids)

		ids, err = store.CaseListUpdatedBefore(ctx, base.Add(4*time.Hour), 2)
		require.NoError(t, err)
		require.Equal(t, tied, ids, "limit keeps the oldest")

		ids, err = store.CaseListUpdatedBefore(ctx, base.Add(3*time.Hour), 10)
		require.NoError(t, err)
		require.Equal(t, []string{tied[0], tied[1], twoHours}, ids, "the cut-off is exclusive")

		ids, err = store.CaseListUpdatedBefore(ctx, base, 10)
		require.NoError(t, err)
		require.Empty(t, ids)

		ids, err = store.CaseListUpdatedBefore(ctx, base.Add(time.Hour), 0)
		require.NoError(t, err)
		require.Empty(t, ids)

		// A cut-off in another zone means the same instant.
		ids, err = store.CaseListUpdatedBefore(ctx, base.Add(2*time.Hour).In(time.FixedZone("BRT", -3*60*60)), 10)
		require.NoError(t, err)
		require.Equal(t, tied, ids)
	})
}

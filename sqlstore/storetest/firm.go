package storetest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func testFirm(t *testing.T, newStore func(t *testing.T) triagem.Store) {
	t.Run("ConsentAndResultColumnsRoundTrip", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)
		c := newCase()
		c.ConsentAt = time.Date(2026, 1, 2, 3, 4, 5, 678901234, time.UTC)
		createCase(ctx, t, store, c)
		require.Equal(t, storedTime(c.ConsentAt), c.ConsentAt)

		c.Status = triagem.StatusCompleted
		result := &triagem.Result{TriageData: triagem.TriageData{
			Area: triagem.AreaTrabalhista, Subarea: "rescisao", UrgencyH: 24, Summary: "Demissão sem verbas.",
		}}
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Result: result}))
		require.Equal(t, 24, c.UrgencyH, "the result's urgency is copied to the case")

		got, err := store.CaseGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, *c, *got)
		require.Equal(t, triagem.Subarea("rescisao"), got.Subarea)
		require.Equal(t, "Demissão sem verbas.", got.Summary)

		plain := newCase()
		createCase(ctx, t, store, plain)
		got, err = store.CaseGet(ctx, plain.ID)
		require.NoError(t, err)
		require.True(t, got.ConsentAt.IsZero())
		require.Zero(t, got.UrgencyH)
	})

	t.Run("ContactPutGetReplace", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)
		c := newCase()
		createCase(ctx, t, store, c)
		_, err := store.ContactGet(ctx, c.ID)
		requireCode(t, err, triagem.ENOTFOUND)

		first := &triagem.Contact{Name: "Maria", Email: "maria@example.com"}
		before := time.Now()
		require.NoError(t, store.ContactPut(ctx, c.ID, first))
		requireWithin(t, first.At, before, time.Now())
		got, err := store.ContactGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, *first, *got)

		second := &triagem.Contact{Phone: "+55 11 91234-5678"}
		require.NoError(t, store.ContactPut(ctx, c.ID, second))
		got, err = store.ContactGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, *second, *got, "a new contact replaces the old one")

		requireCode(t, store.ContactPut(ctx, uuid.NewString(), &triagem.Contact{Email: "x@example.com"}), triagem.ENOTFOUND)
	})

	t.Run("HandlingDefaultsUpdateAndNotes", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)
		c := newCase()
		createCase(ctx, t, store, c)

		h, err := store.HandlingGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, triagem.Handling{State: triagem.HandlingNew, Notes: []triagem.Note{}}, *h)

		assignee := "staff-ana"
		h, err = store.HandlingUpdate(ctx, c.ID, triagem.HandlingChange{Assignee: &assignee})
		require.NoError(t, err)
		require.Equal(t, triagem.HandlingNew, h.State)
		require.Equal(t, "staff-ana", h.Assignee)

		contacted := triagem.HandlingContacted
		h, err = store.HandlingUpdate(ctx, c.ID, triagem.HandlingChange{State: &contacted})
		require.NoError(t, err)
		require.Equal(t, "staff-ana", h.Assignee, "a change without assignee keeps it")
		require.Equal(t, triagem.HandlingContacted, h.State)

		n1 := &triagem.Note{Author: "staff-ana", Text: "Liguei, sem resposta."}
		require.NoError(t, store.NoteAdd(ctx, c.ID, n1))
		require.NotEmpty(t, n1.ID)
		n2 := &triagem.Note{Author: "staff-bia", Text: "Retornou, agendado.", At: n1.At.Add(time.Second)}
		require.NoError(t, store.NoteAdd(ctx, c.ID, n2))

		h, err = store.HandlingGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, []triagem.Note{*n1, *n2}, h.Notes)
		require.Equal(t, triagem.HandlingContacted, h.State)

		got, err := store.CaseGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, c.Version, got.Version, "the firm's writes do not take the case's version")
		require.True(t, got.UpdatedAt.After(c.UpdatedAt), "but they count as activity")
	})

	t.Run("HandlingRefusesBadInputAndMissingCase", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)
		c := newCase()
		createCase(ctx, t, store, c)
		bogus := triagem.HandlingState("archived")
		_, err := store.HandlingUpdate(ctx, c.ID, triagem.HandlingChange{State: &bogus})
		requireCode(t, err, triagem.EINVALID)
		_, err = store.HandlingUpdate(ctx, c.ID, triagem.HandlingChange{})
		requireCode(t, err, triagem.EINVALID)
		requireCode(t, store.NoteAdd(ctx, c.ID, &triagem.Note{Author: "a", Text: "  "}), triagem.EINVALID)
		h, err := store.HandlingGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, triagem.HandlingNew, h.State)
		require.Empty(t, h.Notes, "nothing was stored")

		closed := triagem.HandlingClosed
		_, err = store.HandlingUpdate(ctx, uuid.NewString(), triagem.HandlingChange{State: &closed})
		requireCode(t, err, triagem.ENOTFOUND)
		_, err = store.HandlingGet(ctx, uuid.NewString())
		requireCode(t, err, triagem.ENOTFOUND)
		requireCode(t, store.NoteAdd(ctx, uuid.NewString(), &triagem.Note{Author: "a", Text: "x"}), triagem.ENOTFOUND)
	})

	t.Run("DeleteErasesContactHandlingAndNotes", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)
		c := newCase()
		createCase(ctx, t, store, c)
		require.NoError(t, store.ContactPut(ctx, c.ID, &triagem.Contact{Email: "joao@example.com"}))
		closed := triagem.HandlingClosed
		_, err := store.HandlingUpdate(ctx, c.ID, triagem.HandlingChange{State: &closed})
		require.NoError(t, err)
		require.NoError(t, store.NoteAdd(ctx, c.ID, &triagem.Note{Author: "a", Text: "nota"}))

		require.NoError(t, store.CaseDelete(ctx, c.ID))

		// The tables themselves, read through another case's transaction.
		other := newCase()
		createCase(ctx, t, store, other)
		counts := map[string]int{}
		hook := func(ctx context.Context, tx *sql.Tx) error {
			for _, table := range []string{"case_contacts", "case_handling", "case_notes"} {
				var n int
				if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE case_id = $1", c.ID).Scan(&n); err != nil {
					return err
				}
				counts[table] = n
			}
			return nil
		}
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: other, Hook: hook}))
		require.Equal(t, map[string]int{"case_contacts": 0, "case_handling": 0, "case_notes": 0}, counts)
	})

	t.Run("SummaryGet", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)
		c := newCase()
		createCase(ctx, t, store, c)
		sum, err := store.CaseSummaryGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, triagem.CaseSummary{Case: *c, Handling: triagem.HandlingNew}, *sum)

		require.NoError(t, store.ContactPut(ctx, c.ID, &triagem.Contact{Phone: "11 91234 5678"}))
		who := "staff-ana"
		_, err = store.HandlingUpdate(ctx, c.ID, triagem.HandlingChange{Assignee: &who})
		require.NoError(t, err)
		sum, err = store.CaseSummaryGet(ctx, c.ID)
		require.NoError(t, err)
		require.True(t, sum.HasContact)
		require.Equal(t, "staff-ana", sum.Assignee)

		_, err = store.CaseSummaryGet(ctx, uuid.NewString())
		requireCode(t, err, triagem.ENOTFOUND)
	})

	t.Run("ListSortsFiltersAndPages", func(t *testing.T) { t.Parallel(); testCaseList(t, newStore) })
}

func testCaseList(t *testing.T, newStore func(t *testing.T) triagem.Store) {
	ctx, store := setup(t, newStore)
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	// name → urgency (0: none yet), area, owner; created one minute apart.
	specs := []struct {
		name    string
		urgency int
		area    triagem.Area
		owner   string
	}{
		{"old-none", 0, triagem.AreaCivil, "alice"},
		{"week", 168, triagem.AreaConsumidor, "bob"},
		{"day", 24, triagem.AreaTrabalhista, "alice"},
		{"hours", 6, triagem.AreaCriminal, "bob"},
		{"day-newer", 24, triagem.AreaTrabalhista, "alice"},
		{"new-none", 0, triagem.AreaFamilia, "bob"},
	}
	ids := map[string]string{}
	names := map[string]string{}
	for i, sp := range specs {
		c := newCase()
		c.OwnerID, c.Area = sp.owner, sp.area
		c.CreatedAt = base.Add(time.Duration(i) * time.Minute)
		c.UpdatedAt = c.CreatedAt
		createCase(ctx, t, store, c)
		if sp.urgency > 0 {
			c.Status = triagem.StatusCompleted
			res := &triagem.Result{TriageData: triagem.TriageData{Area: sp.area, UrgencyH: sp.urgency}}
			require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Result: res}))
		}
		ids[sp.name], names[c.ID] = c.ID, sp.name
	}
	list := func(q triagem.CaseQuery) ([]string, string) {
		t.Helper()
		page, err := store.CaseList(ctx, q)
		require.NoError(t, err)
		var got []string
		for _, s := range page.Cases {
			got = append(got, names[s.Case.ID])
		}
		return got, page.NextCursor
	}

	all, next := list(triagem.CaseQuery{})
	require.Equal(t, []string{"hours", "day-newer", "day", "week", "new-none", "old-none"}, all)
	require.Empty(t, next)

	// Pages of two walk the same order with no repeat and no gap.
	var walked []string
	q := triagem.CaseQuery{Limit: 2}
	for range 5 {
		page, cursor := list(q)
		walked = append(walked, page...)
		if cursor == "" {
			break
		}
		q.Cursor = cursor
	}
	require.Equal(t, all, walked)

	byUpdate, _ := list(triagem.CaseQuery{Sort: triagem.SortUpdated, Limit: 3})
	require.Len(t, byUpdate, 3)

	tests := []struct {
		name string
		q    triagem.CaseQuery
		want []string
	}{
		{"owner", triagem.CaseQuery{OwnerID: "alice"}, []string{"day-newer", "day", "old-none"}},
		{"status", triagem.CaseQuery{Status: triagem.StatusInterviewing}, []string{"new-none", "old-none"}},
		{"area", triagem.CaseQuery{Area: triagem.AreaTrabalhista}, []string{"day-newer", "day"}},
		{"urgency alta", triagem.CaseQuery{Urgency: triagem.UrgencyHigh}, []string{"day-newer", "day"}},
		{"urgency critica", triagem.CaseQuery{Urgency: triagem.UrgencyCritical}, []string{"hours"}},
		{"urgency baixa", triagem.CaseQuery{Urgency: triagem.UrgencyLow}, []string{"week"}},
		{"handling new", triagem.CaseQuery{Handling: triagem.HandlingNew, Area: triagem.AreaCriminal}, []string{"hours"}},
	}
	for _, tt := range tests {
		got, _ := list(tt.q)
		require.Equal(t, tt.want, got, tt.name)
	}

	closed := triagem.HandlingClosed
	_, err := store.HandlingUpdate(ctx, ids["hours"], triagem.HandlingChange{State: &closed})
	require.NoError(t, err)
	got, _ := list(triagem.CaseQuery{Handling: triagem.HandlingClosed})
	require.Equal(t, []string{"hours"}, got)
	got, _ = list(triagem.CaseQuery{Sort: triagem.SortUpdated, Limit: 1})
	require.Equal(t, []string{"hours"}, got, "the firm's change counts as the latest update")

	_, err = store.CaseList(ctx, triagem.CaseQuery{Cursor: "not-a-cursor"})
	requireCode(t, err, triagem.EINVALID)
	_, err = store.CaseList(ctx, triagem.CaseQuery{Status: "archived"})
	requireCode(t, err, triagem.EINVALID)
	_, next = list(triagem.CaseQuery{Limit: 1})
	_, err = store.CaseList(ctx, triagem.CaseQuery{Sort: triagem.SortUpdated, Cursor: next})
	requireCode(t, err, triagem.EINVALID)
}

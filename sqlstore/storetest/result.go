package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// fullResult returns a result with every field set, nested ones included.
func fullResult(caseID string) *triagem.Result {
	return &triagem.Result{
		CaseID:          caseID,
		StrategyUsed:    triagem.StrategyEnsemble,
		ComplexityLevel: triagem.ComplexityHigh,
		ConfidenceScore: 0.1 + 0.7, // 0.7999999999999999: floats must survive bit for bit
		FlowType:        triagem.FlowEnsembleAnalysis,
		TriageData: triagem.TriageData{
			Area:              "trabalhista",
			Subarea:           "rescisão",
			UrgencyH:          48,
			Summary:           "Demissão sem justa causa; verbas rescisórias não pagas.",
			Keywords:          []string{"demissão", "FGTS", "aviso prévio"},
			Sentiment:         "ansioso",
			CaseType:          "reclamação trabalhista",
			ComplexityFactors: []string{"múltiplas partes", "prazo prescricional"},
			Entities: triagem.Entities{
				Parties:   []string{"João da Silva", "ACME Ltda."},
				Dates:     []string{"2025-01-15", "2025-02-01"},
				Amounts:   []string{"R$ 12.345,67"},
				Locations: []string{"São Paulo/SP"},
			},
		},
		ConversationSummary: "Cliente relata demissão e falta de pagamento.",
		ProcessingTimeMS:    1234,
		AnalysisDetails: triagem.AnalysisDetails{
			Analyzers: []triagem.AnalyzerRun{
				{Name: "builtin", OK: true, DurationMS: 3, Area: "trabalhista"},
				{Name: "gpt", OK: false, Error: "timeout after 30s", DurationMS: 30000},
				{Name: "claude", OK: true, DurationMS: 2100, Area: "trabalhista"},
			},
			Agreement:    2.0 / 3.0,
			Judge:        "claude",
			Forced:       true,
			ForcedReason: "cliente pediu análise",
		},
		CreatedAt: time.Date(2025, 6, 1, 9, 30, 0, 123456789, time.FixedZone("BRT", -3*60*60)),
	}
}

func testResults(t *testing.T, newStore func(t *testing.T) triagem.Store) {
	t.Run("RoundTripEveryField", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c)
		result := fullResult(c.ID)
		want := *fullResult(c.ID)
		want.CreatedAt = storedTime(want.CreatedAt)

		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Result: result}))
		require.Equal(t, want, *result, "caller's result holds what was stored")

		got, err := store.ResultGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, want, *got)
	})

	t.Run("EmptySlicesStayEmptyAndNilStaysNil", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c)
		result := &triagem.Result{
			CaseID: c.ID,
			TriageData: triagem.TriageData{
				Keywords:          []string{},
				ComplexityFactors: []string{},
				Entities: triagem.Entities{
					Parties: []string{}, Dates: []string{}, Amounts: []string{}, Locations: nil,
				},
			},
			AnalysisDetails: triagem.AnalysisDetails{Analyzers: []triagem.AnalyzerRun{}},
		}
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Result: result}))

		got, err := store.ResultGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, *result, *got) // Equal tells nil from empty
		require.NotNil(t, got.TriageData.Keywords)
		require.NotNil(t, got.TriageData.Entities.Parties)
		require.NotNil(t, got.AnalysisDetails.Analyzers)
		require.Nil(t, got.TriageData.Entities.Locations)
	})

	t.Run("StoredOnCreate", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		result := fullResult("") // the case id is filled in
		require.NoError(t, store.CaseCreate(ctx, triagem.CaseWrite{Case: c, Result: result}))
		require.Equal(t, c.ID, result.CaseID)

		got, err := store.ResultGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, *result, *got)
	})

	t.Run("ReplacedByLaterWrite", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c)
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Result: fullResult(c.ID)}))

		second := &triagem.Result{
			CaseID:          c.ID,
			StrategyUsed:    triagem.StrategySimple,
			ComplexityLevel: triagem.ComplexityLow,
			FlowType:        triagem.FlowDirectSimple,
		}
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Result: second}))

		got, err := store.ResultGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, *second, *got, "nothing of the first result survives")

		// A write without a result keeps the stored one.
		require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c}))
		got, err = store.ResultGet(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, *second, *got)
	})

	t.Run("CaseWithoutResultIsNotFound", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c)
		_, err := store.ResultGet(ctx, c.ID)
		requireCode(t, err, triagem.ENOTFOUND)
	})

	t.Run("ResultOfAnotherCaseIsInvalid", func(t *testing.T) {
		t.Parallel()
		ctx, store := setup(t, newStore)

		c := newCase()
		createCase(ctx, t, store, c)
		err := store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Result: fullResult("another-case")})
		requireCode(t, err, triagem.EINVALID)
		require.Equal(t, int64(1), c.Version)
	})
}

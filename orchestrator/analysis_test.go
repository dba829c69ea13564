package orchestrator

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

type fakeAnalyzer struct {
	name    string
	area    triagem.Area
	words   []string
	err     error
	urgency int    // 72 when zero
	notice  string // safety notice
}

func (f fakeAnalyzer) Name() string { return f.name }

func (f fakeAnalyzer) Analyze(ctx context.Context, _ triagem.AnalysisInput) (triagem.TriageData, error) {
	if f.err != nil {
		return triagem.TriageData{}, f.err
	}
	urgency := f.urgency
	if urgency == 0 {
		urgency = 72
	}
	return triagem.TriageData{Area: f.area, Subarea: f.area.GeneralSubarea(), UrgencyH: urgency, UrgencyReason: "regra de " + f.name,
		Keywords: f.words, NextSteps: []string{"passo de " + f.name, "outro passo de " + f.name}, SafetyNotice: f.notice,
		Entities: triagem.Entities{Parties: []string{f.name}}}, nil
}

func TestFailover(t *testing.T) {
	t.Parallel()
	boom := errors.New("model down")
	tests := []struct {
		name      string
		chain     []triagem.Analyzer
		wantArea  triagem.Area
		wantRuns  int
		wantError bool
	}{
		{"first succeeds", []triagem.Analyzer{fakeAnalyzer{name: "a", area: "civil"}, fakeAnalyzer{name: "b", area: "criminal"}}, "civil", 1, false},
		{"falls through to the next", []triagem.Analyzer{fakeAnalyzer{name: "a", err: boom}, fakeAnalyzer{name: "b", area: "criminal"}}, "criminal", 2, false},
		{"all fail", []triagem.Analyzer{fakeAnalyzer{name: "a", err: boom}, fakeAnalyzer{name: "b", err: boom}}, "", 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, details, err := runFailover(t.Context(), tt.chain, triagem.AnalysisInput{})
			require.Equal(t, tt.wantError, err != nil)
			require.Equal(t, tt.wantArea, data.Area)
			require.Len(t, details.Analyzers, tt.wantRuns)
			if tt.wantRuns > 1 {
				require.False(t, details.Analyzers[0].OK)
				require.Contains(t, details.Analyzers[0].Error, "model down")
			}
		})
	}
}

func TestEnsembleVote(t *testing.T) {
	t.Parallel()
	boom := errors.New("timeout")
	tests := []struct {
		name          string
		analyzers     []triagem.Analyzer
		judge         triagem.Analyzer
		wantArea      triagem.Area
		wantAgreement float64
		wantJudge     string
		wantKeywords  []string
	}{
		{
			name: "majority wins and merges the agreeing lists",
			analyzers: []triagem.Analyzer{
				fakeAnalyzer{name: "a", area: "consumidor", words: []string{"voo"}},
				fakeAnalyzer{name: "b", area: "civil", words: []string{"dano"}},
				fakeAnalyzer{name: "c", area: "consumidor", words: []string{"atraso", "voo"}},
			},
			wantArea: "consumidor", wantAgreement: 2.0 / 3, wantKeywords: []string{"voo", "atraso"},
		},
		{
			name: "a tie goes to the judge",
			analyzers: []triagem.Analyzer{
				fakeAnalyzer{name: "a", area: "consumidor"},
				fakeAnalyzer{name: "b", area: "civil"},
			},
			judge:    fakeAnalyzer{name: "judge", area: "civil"},
			wantArea: "civil", wantAgreement: 0.5, wantJudge: "judge", wantKeywords: []string{},
		},
		{
			name: "a tie without a judge goes to the first analyzer",
			analyzers: []triagem.Analyzer{
				fakeAnalyzer{name: "a", area: "consumidor"},
				fakeAnalyzer{name: "b", area: "civil"},
			},
			wantArea: "consumidor", wantAgreement: 0.5, wantKeywords: []string{},
		},
		{
			name: "failed analyzers do not vote",
			analyzers: []triagem.Analyzer{
				fakeAnalyzer{name: "a", err: boom},
				fakeAnalyzer{name: "b", area: "criminal"},
			},
			wantArea: "criminal", wantAgreement: 1, wantKeywords: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, details, err := runEnsemble(t.Context(), tt.analyzers, tt.judge, triagem.AnalysisInput{})
			require.NoError(t, err)
			require.Equal(t, tt.wantArea, data.Area)
			require.InDelta(t, tt.wantAgreement, details.Agreement, 1e-9)
			require.Equal(t, tt.wantJudge, details.Judge)
			require.Equal(t, tt.wantKeywords, data.Keywords)
			require.NotNil(t, data.Entities.Dates, "lists are never null")
		})
	}
}

func TestEnsembleAllFail(t *testing.T) {
	t.Parallel()
	_, details, err := runEnsemble(t.Context(), []triagem.Analyzer{fakeAnalyzer{name: "a", err: errors.New("x")}}, nil, triagem.AnalysisInput{})
	require.Error(t, err)
	require.Len(t, details.Analyzers, 1)
}

func TestCheckCaseID(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "123", "stats", "6f1c1f9e3d5b4f7e9a512f4c7a1b9d00", "{6f1c1f9e-3d5b-4f7e-9a51-2f4c7a1b9d00}", "6f1c1f9e-3d5b-4f7e-9a51-2f4c7a1b9d0g"} {
		require.Equal(t, triagem.EINVALIDCASEID, triagem.ErrorCode(CheckCaseID(id)), id)
	}
	require.NoError(t, CheckCaseID("6f1c1f9e-3d5b-4f7e-9a51-2f4c7a1b9d00"))
}

func TestEnsembleKeepsTheResultCoherent(t *testing.T) {
	t.Parallel()
	analyzers := []triagem.Analyzer{
		fakeAnalyzer{name: "a", area: triagem.AreaCivil, urgency: 24, notice: "Ligue 190."},
		fakeAnalyzer{name: "b", area: triagem.AreaConsumidor, urgency: 240},
		fakeAnalyzer{name: "c", area: triagem.AreaConsumidor, urgency: 120},
	}
	data, _, err := runEnsemble(t.Context(), analyzers, nil, triagem.AnalysisInput{})
	require.NoError(t, err)
	require.Equal(t, triagem.AreaConsumidor, data.Area)
	require.Equal(t, triagem.AreaConsumidor.GeneralSubarea(), data.Subarea, "the subarea of the chosen area")
	require.Equal(t, []string{"passo de b", "outro passo de b"}, data.NextSteps, "steps from the first analyzer that chose the area")
	require.Equal(t, 24, data.UrgencyH, "the smallest urgency of all")
	require.Equal(t, "regra de a", data.UrgencyReason, "with its own reason")
	require.Equal(t, "Ligue 190.", data.SafetyNotice, "a safety notice from any analyzer")
	require.True(t, data.Distress)
}

func TestEnsembleJudgeOwnAreaDropsOtherAreasSteps(t *testing.T) {
	t.Parallel()
	analyzers := []triagem.Analyzer{fakeAnalyzer{name: "a", area: triagem.AreaCivil}, fakeAnalyzer{name: "b", area: triagem.AreaConsumidor}}
	data, details, err := runEnsemble(t.Context(), analyzers, fakeAnalyzer{name: "judge", area: triagem.AreaBancario}, triagem.AnalysisInput{})
	require.NoError(t, err)
	require.Equal(t, "judge", details.Judge)
	require.Equal(t, triagem.AreaBancario, data.Area)
	require.Equal(t, []string{"passo de judge", "outro passo de judge"}, data.NextSteps, "the judge's reading is the base")
}

func TestMergeWithoutAnyReadingOfTheArea(t *testing.T) {
	t.Parallel()
	datas := []triagem.TriageData{{Area: triagem.AreaCivil, Subarea: "contratos", NextSteps: []string{"x", "y"}, DeadlineWarning: "z"}}
	got := mergeAgreeing(datas, triagem.AreaSaude, nil)
	require.Equal(t, triagem.AreaSaude, got.Area)
	require.Empty(t, got.Subarea)
	require.Empty(t, got.NextSteps)
	require.Empty(t, got.DeadlineWarning)
}

type completingAnalyzer struct{ fakeAnalyzer }

func (completingAnalyzer) Complete(_ context.Context, _ triagem.AnalysisInput, d triagem.TriageData) triagem.TriageData {
	d.Documents = []string{"documento"}
	return d
}

func TestCompleteUsesTheSimpleAnalyzer(t *testing.T) {
	t.Parallel()
	o := &Orchestrator{cfg: Config{Simple: completingAnalyzer{fakeAnalyzer{name: "builtin"}}}}
	got := o.complete(t.Context(), triagem.AnalysisInput{}, triagem.TriageData{Area: triagem.AreaCivil})
	require.Equal(t, []string{"documento"}, got.Documents)
	o = &Orchestrator{cfg: Config{Simple: fakeAnalyzer{name: "plain"}}}
	got = o.complete(t.Context(), triagem.AnalysisInput{}, triagem.TriageData{Area: triagem.AreaCivil})
	require.Nil(t, got.Documents)
}

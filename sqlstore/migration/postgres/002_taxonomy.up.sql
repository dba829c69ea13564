-- The 17-area taxonomy (triagem.Taxonomy). Areas and subareas stored under the
-- names used before it are rewritten: "penal" is now "criminal"; "transito"
-- splits into accidents (Civil) and fines and licences (Administrativo); a few
-- subareas moved (health plans to Saúde, bank contracts to Bancário) or were
-- renamed; "geral" becomes each area's general subarea. A result's
-- triage_data gains "area_id"; the case row takes its result's area.
CREATE TABLE area_rename_002 (
    old_area    text NOT NULL,
    old_subarea text NOT NULL,
    new_area    text NOT NULL,
    new_subarea text NOT NULL,
    PRIMARY KEY (old_area, old_subarea)
);

INSERT INTO area_rename_002 (old_area, old_subarea, new_area, new_subarea) VALUES
    ('consumidor', 'bancario', 'bancario', 'emprestimo_juros'),
    ('consumidor', 'plano_saude', 'saude', 'plano_saude'),
    ('consumidor', 'produto', 'consumidor', 'produto_defeituoso'),
    ('consumidor', 'comercio_eletronico', 'consumidor', 'compra_online'),
    ('civil', 'obrigacoes', 'civil', 'cobranca_divida'),
    ('empresarial', 'contratos_internacionais', 'empresarial', 'contratos_empresariais'),
    ('penal', 'ameaca', 'criminal', 'ameaca'),
    ('penal', 'crimes_contra_honra', 'criminal', 'crimes_honra'),
    ('penal', 'estelionato', 'criminal', 'estelionato'),
    ('penal', 'patrimonio', 'criminal', 'furto_roubo'),
    ('penal', 'prisao', 'criminal', 'prisao'),
    ('penal', 'violencia_domestica', 'criminal', 'violencia_domestica'),
    ('previdenciario', 'assistencial', 'previdenciario', 'bpc_loas'),
    ('previdenciario', 'beneficio', 'previdenciario', 'beneficio_incapacidade'),
    ('transito', 'acidente', 'civil', 'acidente_transito'),
    ('transito', 'cnh', 'administrativo', 'cnh'),
    ('transito', 'multa', 'administrativo', 'multa_transito'),
    ('tributario', 'imposto_de_renda', 'tributario', 'imposto_renda'),
    ('tributario', 'tributos', 'tributario', 'tributos_empresa'),
    ('consumidor', 'geral', 'consumidor', 'servicos'),
    ('trabalhista', 'geral', 'trabalhista', 'rescisao'),
    ('familia', 'geral', 'familia', 'divorcio'),
    ('previdenciario', 'geral', 'previdenciario', 'aposentadoria'),
    ('civil', 'geral', 'civil', 'responsabilidade_civil'),
    ('empresarial', 'geral', 'empresarial', 'societario'),
    ('tributario', 'geral', 'tributario', 'imposto_renda'),
    ('imobiliario', 'geral', 'imobiliario', 'locacao'),
    ('propriedade_intelectual', 'geral', 'propriedade_intelectual', 'marca'),
    ('administrativo', 'geral', 'administrativo', 'servico_publico'),
    ('ambiental', 'geral', 'ambiental', 'multa_ambiental'),
    ('penal', 'geral', 'criminal', 'prisao'),
    ('transito', 'geral', 'administrativo', 'multa_transito');

UPDATE results SET body = jsonb_set(jsonb_set(jsonb_set(body::jsonb,
        '{triage_data,area}', to_jsonb(m.new_area)),
        '{triage_data,area_id}', to_jsonb(m.new_area)),
        '{triage_data,subarea}', to_jsonb(m.new_subarea))::text
    FROM area_rename_002 m
    WHERE (results.body::jsonb #>> '{triage_data,area}') = m.old_area
      AND (results.body::jsonb #>> '{triage_data,subarea}') = m.old_subarea;

UPDATE results SET body = jsonb_set(body::jsonb, '{triage_data,area_id}', body::jsonb #> '{triage_data,area}')::text
    WHERE (body::jsonb #> '{triage_data,area_id}') IS NULL AND (body::jsonb #> '{triage_data,area}') IS NOT NULL;

UPDATE cases SET area = r.body::jsonb #>> '{triage_data,area_id}'
    FROM results r
    WHERE r.case_id = cases.id AND (r.body::jsonb #>> '{triage_data,area_id}') IS NOT NULL;

UPDATE cases SET area = 'criminal' WHERE area = 'penal';
UPDATE cases SET area = 'administrativo' WHERE area = 'transito';

DROP TABLE area_rename_002;

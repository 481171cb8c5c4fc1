-- Table macros the page queries select from, so the sidebar filters are written once.
-- An empty list or a NULL bound means "no filter on this column".
CREATE OR REPLACE MACRO filtered_models(countries, orgs, date_from, date_to, modalities,
                                        architectures, accessibility, pmin, pmax, evidence) AS TABLE
SELECT *
FROM models
WHERE (len(countries) = 0 OR list_contains(countries, country))
  AND (len(orgs) = 0 OR list_contains(orgs, organization))
  AND (date_from IS NULL OR release_date >= date_from)
  AND (date_to IS NULL OR release_date <= date_to)
  AND (len(modalities) = 0 OR list_contains(modalities, modality))
  AND (len(architectures) = 0 OR list_contains(architectures, architecture))
  AND (len(accessibility) = 0 OR list_contains(accessibility, models.accessibility))
  AND (pmin IS NULL OR params_total_b >= pmin)
  AND (pmax IS NULL OR params_total_b <= pmax)
  AND (len(evidence) = 0 OR list_contains(evidence, models.evidence));

-- The filtered models with country_group: the country itself when countries were chosen
-- or it is among the top_n by releases, else 'Other'.
CREATE OR REPLACE MACRO grouped_models(countries, orgs, date_from, date_to, modalities,
                                       architectures, accessibility, pmin, pmax, evidence, top_n) AS TABLE
WITH picked AS (
    SELECT * FROM filtered_models(countries, orgs, date_from, date_to, modalities,
                                  architectures, accessibility, pmin, pmax, evidence)
),
ranked AS (
    SELECT country, row_number() OVER (ORDER BY count(*) DESC, country) AS country_rank
    FROM picked
    GROUP BY country
)
SELECT
    picked.*,
    CASE WHEN len(countries) > 0 OR country_rank <= top_n THEN picked.country ELSE 'Other' END AS country_group
FROM picked
JOIN ranked USING (country);

CREATE OR REPLACE MACRO bloc(country) AS
    CASE country WHEN 'US' THEN 'United States' WHEN 'CN' THEN 'China' ELSE 'Rest of world' END;

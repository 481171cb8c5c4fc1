-- Releases (checkpoints) per $period ('month', 'quarter', 'year') and organization group: the organization
-- itself when organizations were chosen or it is among the $top_n by releases, else 'Other'. Every period is
-- filled in; country is the organization's country (one per organization, by the contract), NULL for Other.
WITH picked AS (
    SELECT date_trunc($period, release_date)::DATE AS period_start, organization, country
    FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                         $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                         $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
),
ranked AS (
    SELECT organization, row_number() OVER (ORDER BY count(*) DESC, organization) AS org_rank
    FROM picked
    GROUP BY organization
),
grouped AS (
    SELECT period_start,
           CASE WHEN len($orgs::VARCHAR[]) > 0 OR org_rank <= $top_n::INTEGER THEN organization ELSE 'Other' END
               AS organization_group,
           CASE WHEN len($orgs::VARCHAR[]) > 0 OR org_rank <= $top_n::INTEGER THEN country END AS country
    FROM picked
    JOIN ranked USING (organization)
),
counted AS (
    SELECT period_start, organization_group, country, count(*) AS releases
    FROM grouped
    GROUP BY ALL
),
periods AS (
    SELECT unnest(generate_series(min(period_start), max(period_start),
                  CASE $period WHEN 'year' THEN INTERVAL 1 YEAR WHEN 'quarter' THEN INTERVAL 3 MONTH
                               ELSE INTERVAL 1 MONTH END))::DATE AS period_start
    FROM picked
),
grid AS (
    SELECT p.period_start, g.organization_group, g.country
    FROM periods p CROSS JOIN (SELECT DISTINCT organization_group, country FROM grouped) g
),
final AS (
    SELECT grid.period_start, grid.organization_group, grid.country, coalesce(c.releases, 0) AS releases
    FROM grid
    LEFT JOIN counted c USING (period_start, organization_group)
)
SELECT * FROM final
ORDER BY period_start, organization_group = 'Other', organization_group;

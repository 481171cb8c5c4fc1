-- Releases per $period ('month', 'quarter', 'year') and country group, counted as $unit
-- ('checkpoints' = rows, 'families' = distinct organization + family + release date),
-- with every period filled in, the running total and each group's share of the period.
WITH picked AS (
    SELECT date_trunc($period, release_date)::DATE AS period_start, country_group,
           organization, family, release_date
    FROM grouped_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                        $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                        $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[], $top_n::INTEGER)
),
counted AS (
    SELECT period_start, country_group,
           CASE $unit WHEN 'families' THEN count(DISTINCT (organization, family, release_date))
                      ELSE count(*) END AS releases
    FROM picked
    GROUP BY ALL
),
periods AS (
    SELECT unnest(generate_series(min(period_start), max(period_start),
                  CASE $period WHEN 'year' THEN INTERVAL 1 YEAR WHEN 'quarter' THEN INTERVAL 3 MONTH
                               ELSE INTERVAL 1 MONTH END))::DATE AS period_start
    FROM picked
),
grid AS (
    SELECT p.period_start, g.country_group
    FROM periods p CROSS JOIN (SELECT DISTINCT country_group FROM picked) g
),
final AS (
    SELECT grid.period_start, grid.country_group,
           coalesce(c.releases, 0) AS releases,
           CAST(sum(coalesce(c.releases, 0)) OVER (PARTITION BY grid.country_group ORDER BY grid.period_start)
                AS BIGINT) AS cumulative_releases,
           round(100.0 * coalesce(c.releases, 0)
                 / nullif(sum(coalesce(c.releases, 0)) OVER (PARTITION BY grid.period_start), 0), 1)
               AS share_pct
    FROM grid
    LEFT JOIN counted c USING (period_start, country_group)
)
SELECT * FROM final
ORDER BY period_start, country_group = 'Other', country_group;

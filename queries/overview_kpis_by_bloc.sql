-- Per bloc (United States, China, Rest of world) and window (the 12 months up to $as_of and the
-- 12 months before): releases, MoE share, unrestricted share (of the releases whose license was
-- confirmed), and the largest model to date.
WITH picked AS (
    SELECT *, bloc(country) AS bloc
    FROM filtered_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                         $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                         $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[])
),
windows AS (
    SELECT * FROM (VALUES
        ('last_12_months', $as_of::DATE - INTERVAL 12 MONTH, $as_of::DATE),
        ('prior_12_months', $as_of::DATE - INTERVAL 24 MONTH, $as_of::DATE - INTERVAL 12 MONTH)
    ) AS w(window_name, window_start, window_end)
),
blocs AS (
    SELECT * FROM (VALUES ('United States'), ('China'), ('Rest of world')) AS b(bloc)
),
in_window AS (
    SELECT w.window_name, p.bloc,
           count(*) AS releases,
           count(*) FILTER (WHERE p.architecture = 'moe') AS moe_releases,
           count(*) FILTER (WHERE p.accessibility = 'unrestricted') AS unrestricted_releases,
           count(*) FILTER (WHERE p.accessibility IS NOT NULL) AS licensed_releases
    FROM picked p
    JOIN windows w ON p.release_date > w.window_start AND p.release_date <= w.window_end
    GROUP BY ALL
),
largest AS (
    SELECT w.window_name, p.bloc,
           max(p.params_total_b) AS largest_params_b,
           arg_max(p.name, p.params_total_b) AS largest_name
    FROM picked p
    JOIN windows w ON p.release_date <= w.window_end
    WHERE p.params_total_b IS NOT NULL
    GROUP BY ALL
),
final AS (
    SELECT b.bloc, w.window_name,
           coalesce(i.releases, 0) AS releases,
           coalesce(i.moe_releases, 0) AS moe_releases,
           coalesce(i.unrestricted_releases, 0) AS unrestricted_releases,
           coalesce(i.licensed_releases, 0) AS licensed_releases,
           round(100.0 * i.moe_releases / nullif(i.releases, 0), 1) AS moe_share_pct,
           round(100.0 * i.unrestricted_releases / nullif(i.licensed_releases, 0), 1) AS unrestricted_share_pct,
           l.largest_params_b,
           l.largest_name
    FROM blocs b
    CROSS JOIN windows w
    LEFT JOIN in_window i ON i.bloc = b.bloc AND i.window_name = w.window_name
    LEFT JOIN largest l ON l.bloc = b.bloc AND l.window_name = w.window_name
)
SELECT * FROM final
ORDER BY CASE bloc WHEN 'United States' THEN 1 WHEN 'China' THEN 2 ELSE 3 END, window_name;

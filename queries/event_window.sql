-- Releases per country group in the $months months before event $event_id and the $months
-- months from it on (the event's day counts as "after"). A release known only to its month is
-- placed by that month; one in the event's own month cannot be placed and is counted as
-- 'same month, day unknown'.
WITH anchor AS (
    SELECT date AS event_date FROM events WHERE event_id = $event_id
),
picked AS (
    SELECT g.country_group,
           CASE WHEN g.date_precision = 'month'
                     AND date_trunc('month', g.release_date) = date_trunc('month', a.event_date)
                THEN 'same month, day unknown'
                WHEN g.release_date < a.event_date THEN 'before' ELSE 'after' END AS event_window
    FROM grouped_models($countries::VARCHAR[], $orgs::VARCHAR[], $date_from::DATE, $date_to::DATE,
                        $modalities::VARCHAR[], $architectures::VARCHAR[], $accessibility::VARCHAR[],
                        $pmin::DOUBLE, $pmax::DOUBLE, $evidence::VARCHAR[], $top_n::INTEGER) g
    CROSS JOIN anchor a
    WHERE g.release_date >= a.event_date - to_months($months::INTEGER)
      AND g.release_date < a.event_date + to_months($months::INTEGER)
),
groups AS (
    SELECT DISTINCT country_group FROM picked
),
final AS (
    SELECT g.country_group, w.event_window, count(p.event_window) AS releases
    FROM groups g
    CROSS JOIN (VALUES ('before'), ('after'), ('same month, day unknown')) AS w(event_window)
    LEFT JOIN picked p ON p.country_group = g.country_group AND p.event_window = w.event_window
    GROUP BY ALL
)
SELECT * FROM final
ORDER BY country_group = 'Other', country_group, list_position(['before', 'after', 'same month, day unknown'],
                                                                event_window);

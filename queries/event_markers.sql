-- The event markers a time chart draws: one per day and category (the events of one day and category would
-- sit on one spot), from the events in the date range narrowed to $categories and $event_countries when any
-- are chosen. A marker's title and actor are its first key event's, else its first event's (by event_id), the
-- title saying how many more events it stands for; it is key when any of its events is, labelled with that
-- first key event's label. So a chart draws as many markers however many events there are.
WITH picked AS (
    SELECT event_id, date, title, category, actor, key, label
    FROM events
    WHERE (len($categories::VARCHAR[]) = 0 OR list_contains($categories::VARCHAR[], category))
      AND (len($event_countries::VARCHAR[]) = 0 OR list_contains($event_countries::VARCHAR[], country))
      AND ($date_from::DATE IS NULL OR date >= $date_from::DATE)
      AND ($date_to::DATE IS NULL OR date <= $date_to::DATE)
),
final AS (
    SELECT date, category,
           arg_min(title, (NOT coalesce(key, false), event_id))
               || CASE WHEN count(*) > 1 THEN ' (+' || (count(*) - 1) || ' more)' ELSE '' END AS title,
           arg_min(actor, (NOT coalesce(key, false), event_id)) AS actor,
           count(*) AS events,
           bool_or(key) AS key,
           arg_min(label, event_id) FILTER (WHERE key) AS label
    FROM picked
    GROUP BY date, category
)
SELECT * FROM final
ORDER BY date, category;

-- Events in the date range, narrowed to $categories and $event_countries when any are chosen,
-- with the related model's name, and whether it is a key event (labelled on charts by default) with its label.
SELECT e.event_id, e.date, e.title, e.category, e.country, e.actor, e.description, e.source_url,
       e.model_id, m.name AS model_name, e.key, e.label
FROM events e
LEFT JOIN models m USING (model_id)
WHERE (len($categories::VARCHAR[]) = 0 OR list_contains($categories::VARCHAR[], e.category))
  AND (len($event_countries::VARCHAR[]) = 0 OR list_contains($event_countries::VARCHAR[], e.country))
  AND ($date_from::DATE IS NULL OR e.date >= $date_from::DATE)
  AND ($date_to::DATE IS NULL OR e.date <= $date_to::DATE)
ORDER BY e.date, e.event_id;

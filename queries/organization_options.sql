-- Organizations (with their country), narrowed to $countries when any are chosen.
SELECT organization, any_value(country) AS country, count(*) AS releases
FROM models
WHERE len($countries::VARCHAR[]) = 0 OR list_contains($countries::VARCHAR[], country)
GROUP BY organization
ORDER BY organization;

-- Every country in the dataset with its number of releases, most releases first.
SELECT country, count(*) AS releases
FROM models
GROUP BY country
ORDER BY releases DESC, country;

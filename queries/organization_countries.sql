-- Every organization in the data and its country (one organization always has one country): the reason a
-- link's organization is outside the chosen countries.
SELECT DISTINCT organization, country FROM models ORDER BY organization;

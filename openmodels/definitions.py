"""Definitions stated once and used everywhere a figure shows them (help texts, captions, About)."""

UNRESTRICTED_SHARE = (
    "Share of unrestricted releases: the releases under an unrestricted licence (OSI-approved or equally free "
    "terms), divided by the releases whose accessibility class is known (from the licence, or Epoch AI's class "
    "for a graded row). Releases whose class is unconfirmed are left out of every class share and counted on "
    "their own.")

CLASS_SHARE_NOTE = (
    "Shares are taken over the releases whose class is known; the {unconfirmed} unconfirmed are left out of the "
    "shares (the counts view shows them).")

TWELVE_MONTHS = (
    "These cards always compare the 12 months up to the data-as-of date with the 12 months before; every other "
    "sidebar filter applies, the release-date filter does not (it applies to the charts below).")

"""The workshop's screens, one module per screen: the organisation's list and the new workshop (`organisation`),
joining as a guest (`join`), the workshop page with its chain, people and steps (`workshop`), editing, merging and
linking cards (`cards`), the rating page (`rating`), and the results with their exports (`results`).

Every view comes in through a door: `WORKSHOP` (workshops.permissions) for a workshop's pages, `ORGANISATION`
(organisations.permissions) for the organisation's list and the new workshop; joining by code has no door.
"""

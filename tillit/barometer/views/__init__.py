"""The barometer's pages, one module per screen: the list of rounds and one round (`rounds`), the questionnaire
(`questionnaire`), the results (`reports`) and their downloads (`exports`). The answering pages (`responding`) are the one exception to the door: no account is needed there, the link
carries the right to answer, and nothing of the person who follows it may reach the answer (see its docstring).

Every other view here comes through a door (`tillit.organisations.door.through`): the organisation's pages through
`ORGANISATION`, a round's through `permissions.ROUND`, each with the permission it needs (the matrix is in
`permissions`): 404 outside the organisation, 403 for too weak a role.
"""

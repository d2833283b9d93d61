"""The department's year set-up pages (public host, department administrators only):
one module per page. Each view validates its input with a form, then makes ONE call to
`administration` (a service to write, a selector to read); a refusal
(`core.errors.DomainError`) is shown on the page with status 400 (409 for a conflict),
a success redirects with a message (post/redirect/get)."""

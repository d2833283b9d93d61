"""The hub's framework-free core: domain errors, the time zone, the current language
and formatting. Every other package may import it; it imports none of them."""

"""The bundled offline demo: a local news site in the style of a Turkish local outlet."""

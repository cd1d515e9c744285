"""The few places where packages plug into the house, all set up explicitly in create_app.

- nav: (endpoint, label, visible(user) -> bool, order) items in the top navigation
- home_sections: provider(user) -> dict|None, a card on the user's home page
- demo_loaders: (order, name, load(app) -> str) run by `flask demo load`, each idempotent
- stats: name -> function(start, end) -> dict, read by the dashboard
- health_checks: name -> function() -> str, added to /healthz
"""


def _registry(app, key, factory=list):
    return app.extensions.setdefault(key, factory())


def add_nav(app, endpoint, label, visible, order=50):
    items = _registry(app, "portal.nav")
    items.append((order, endpoint, label, visible))
    items.sort(key=lambda item: item[0])


def add_home_section(app, provider):
    _registry(app, "portal.home_sections").append(provider)


def add_demo_loader(app, order, name, load):
    loaders = _registry(app, "portal.demo_loaders")
    loaders.append((order, name, load))
    loaders.sort(key=lambda item: item[0])


def add_stats(app, name, function):
    _registry(app, "portal.stats", dict)[name] = function


def add_health_check(app, name, function):
    _registry(app, "portal.health_checks", dict)[name] = function

"""Build-time code of the guide site: one module per job, wired into MkDocs by build_scripts/hooks/generate_pages.py.

    paths      where things are (policy data, templates, build artefacts), overridable for tests
    bundles    compile every call once per build into build/bundles/<call>.json (what pages, wheel and tests read)
    calls      the calls side by side: order by date, the newest, and every URL of the scheme
    strings    the guide tree of the interface strings (checker/i18n/<lang>.json, through checker.strings)
    notice     the official notice split into paragraphs
    render     Jinja2 environment, filters, citations: one template for one language
    pages      which pages each call gets, writing them into docs/ and removing stale ones
    changes    what changed between a call and the previous one
    navigation the nav: one part per call, filtered to the page's call, and the call switcher
    i18n_setup site names and nav translations for mkdocs-static-i18n
    html_fixes post-processing of rendered HTML (404, search dialog, head links, unused search languages)
    redirects  the newest call's stable URLs (/<call>/…) as redirect pages to today's URLs
    search_words the words a search index entry is also found by (sub-words, identifiers, phone numbers, aliases)
"""

"""The product space: which products are exported by the same countries (Hidalgo et al. 2007).

`space` holds the formulas (pure, no queries), `build` computes and stores them from the loaded
trade statistics, `selectors` reads them for the pages ("exporters of what you sell also export").
"""

"""Public figures of donated meals: no login; totals, the last 30 days, stores and the firms that agreed to be
named, with CSV downloads."""
from __future__ import annotations

from flask import Response, render_template

from marketplace.meals import figures, figures_csv
from marketplace.meals.views import bp
from marketplace.web.http_cache import public_cache


@bp.route("/figures")
@public_cache()
def public_figures():
    """Show how many donated meals were offered, taken and served, per day, store and firm; no login needed."""
    shown = figures.public_figures()
    chart_days = list(reversed(shown.days))
    return render_template("meals/public_figures.html", shown=shown, chart_days=chart_days)


@bp.route("/figures/<any(days, stores):meal_table>.csv")
def figures_download(meal_table):
    """Download the per-day or per-store meal figures as CSV."""
    return Response(figures_csv.table_csv(meal_table), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="goodhours-meals-{meal_table}.csv"'})

"""'Try a question': managers see which knowledge documents a question finds, with their scores."""

from markupsafe import Markup, escape

from odoo import fields, models

from ..models.knowledge_document import CORPORA


class L10nClAiKnowledgeTry(models.TransientModel):
    _name = "l10n_cl_ai.knowledge.try"
    _description = "Try a question on the AI knowledge base"

    question = fields.Char(required=True)
    corpus = fields.Selection(CORPORA, help="Only documents of this domain. Empty: every domain.")
    top_k = fields.Integer(string="Results", default=3)
    result_html = fields.Html(readonly=True, sanitize=False)

    def action_search(self):
        self.ensure_one()
        hits = self.env["l10n_cl_ai.knowledge.document"].search_knowledge(
            self.question, top_k=max(1, self.top_k), corpus=self.corpus or None
        )
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td><code>%s</code></td><td>%s</td><td>%s</td></tr>")
            % (rank, hit["slug"], hit["title"], f"{hit['score']:.3f}")
            + Markup("<tr><td></td><td colspan='3' class='text-muted'>%s</td></tr>") % hit["excerpt"]
            for rank, hit in enumerate(hits, start=1)
        )
        header = Markup("<tr><th>#</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Identifier"),
            self.env._("Title"),
            self.env._("Score"),
        )
        self.result_html = (
            Markup("<table class='table table-sm'>%s%s</table>") % (header, rows)
            if hits
            else Markup("<p>%s</p>") % escape(self.env._("No document matches this question."))
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

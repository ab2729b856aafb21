import { onMounted, onWillUnmount } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";

export const VALIDATION_DONE = "l10n_cl_ai.validation_done";

/**
 * When Claude's review of a DTE ends (in the background), the server tells the user who asked through
 * the bus. A document form open on that move (not in a dialog) reloads in place (badge, findings,
 * chatter) without a page reload, unless the user has unsaved edits: a reload would save them, so the
 * form is left as it is and a notification says the review is ready.
 */
patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        if (this.props.resModel !== "account.move" || this.env.inDialog) {
            return;
        }
        const busService = useService("bus_service");
        this.l10nClAiAction = useService("action");
        this.l10nClAiNotification = useService("notification");
        const onValidationDone = (payload) => this.l10nClAiOnValidationDone(payload);
        onMounted(() => busService.subscribe(VALIDATION_DONE, onValidationDone));
        onWillUnmount(() => busService.unsubscribe(VALIDATION_DONE, onValidationDone));
    },

    async l10nClAiOnValidationDone({ move_id }) {
        const record = this.model.root;
        if (record.isNew || record.resId !== move_id) {
            return;
        }
        if (await record.isDirty()) {
            this.l10nClAiNotification.add(
                _t("Claude's review is ready: save or discard your changes, then reload to see it."),
                { type: "info", sticky: true }
            );
            return;
        }
        await this.l10nClAiAction.doAction({ type: "ir.actions.client", tag: "soft_reload" });
    },
});

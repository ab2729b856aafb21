import { registry } from "@web/core/registry";

/**
 * When Claude's review of a DTE ends (in the background), the server tells the user who asked through
 * the bus. If that document is the one open in a form, the form is reloaded in place (badge, findings,
 * chatter) without a page reload; as when leaving a form, pending edits are saved first.
 */
export const l10nClAiValidationDoneService = {
    dependencies: ["bus_service", "action"],

    start(env, { bus_service, action }) {
        bus_service.subscribe("l10n_cl_ai.validation_done", async ({ move_id }) => {
            const controller = action.currentController;
            if (controller?.props?.resModel !== "account.move") {
                return;
            }
            // only a form view's local state carries the record it shows
            const { resId } = controller.getLocalState?.() || {};
            if (resId !== move_id) {
                return;
            }
            await action.doAction({ type: "ir.actions.client", tag: "soft_reload" });
        });
    },
};

registry.category("services").add("l10n_cl_ai_validation_done", l10nClAiValidationDoneService);

import { registry } from "@web/core/registry";

// Opened on a demo invoice whose customer has no giro: validate it, see the checks' result at once, then
// let the queue run Claude's review (as the cron would) and see the open form update through the bus;
// then, with an unsaved edit, see a second review announced by a notification instead of a reload.
registry.category("web_tour.tours").add("l10n_cl_ai_validate_tour", {
    steps: () => [
        {
            content: "The document is not checked yet",
            trigger: ".o_form_view .o_field_widget[name='l10n_cl_ai_state'] .badge:contains('Not checked')",
        },
        {
            content: "Validate the document",
            trigger: ".o_form_view .o_form_statusbar button[name='action_l10n_cl_ai_validate']",
            run: "click",
        },
        {
            content: "The badge shows the errors found",
            trigger: ".o_form_view .o_field_widget[name='l10n_cl_ai_state'] .badge:contains('Errors')",
        },
        {
            content: "One chatter message summarises the findings; Claude's review is queued",
            trigger: ".o-mail-Message:contains('DTE validation (AI)'):contains('GIRO_RECEPTOR'):contains('queued')",
        },
        {
            content: "Open the DTE tab",
            trigger: ".o_notebook .nav-link[name='l10n_cl_ai_dte']",
            run: "click",
        },
        {
            content: "The findings of the last validation are listed with their fix",
            trigger: ".o_l10n_cl_ai_findings .o_data_row:contains('GIRO_RECEPTOR'):contains('Activity Description')",
        },
        {
            content: "Claude's review runs in the background (the queue's scheduled action)",
            trigger: ".o_l10n_cl_ai_findings .o_data_row:contains('GIRO_RECEPTOR')",
            async run() {
                const { orm } = odoo.__WOWL_DEBUG__.root.env.services;
                const [cronId] = await orm.search("ir.cron", [
                    ["cron_name", "=", "Chilean AI: run queued DTE validations"],
                ]);
                await orm.call("ir.cron", "method_direct_trigger", [[cronId]]);
            },
        },
        {
            content: "Without any reload, Claude's finding is listed too, marked as Claude's",
            trigger: ".o_l10n_cl_ai_findings .o_data_row:contains('IA_GLOSA_AMBIGUA'):contains('Claude')",
        },
        // A review that ends while the user has unsaved edits: the form is not reloaded (which would
        // save them); a notification says the review is ready.
        {
            content: "Open the Other Info tab",
            trigger: ".o_notebook .nav-link[name='other_info']",
            run: "click",
        },
        {
            content: "Type a customer reference, without saving",
            trigger: ".o_form_view .o_field_widget[name='ref'] input",
            run: "edit OC 4512 sin guardar",
        },
        {
            content: "The form has unsaved changes",
            trigger: ".o_form_view .o_form_status_indicator .o_form_button_save:visible",
        },
        {
            content: "Another review of the document ends in the background",
            trigger: ".o_form_view .o_field_widget[name='ref'] input:value(OC 4512 sin guardar)",
            async run() {
                const { orm, action } = odoo.__WOWL_DEBUG__.root.env.services;
                const { resId } = action.currentController.getLocalState();
                await orm.call("account.move", "action_l10n_cl_ai_validate", [[resId]]);
                const [cronId] = await orm.search("ir.cron", [
                    ["cron_name", "=", "Chilean AI: run queued DTE validations"],
                ]);
                await orm.call("ir.cron", "method_direct_trigger", [[cronId]]);
            },
        },
        {
            content: "A notification says the review is ready instead of reloading the form",
            trigger: `.o_notification:contains("Claude's review is ready")`,
        },
        {
            content: "The unsaved edit is still there, still unsaved",
            trigger:
                ".o_form_view:has(.o_form_status_indicator .o_form_button_save:visible) " +
                ".o_field_widget[name='ref'] input:value(OC 4512 sin guardar)",
        },
        {
            content: "Discard the edit",
            trigger: ".o_form_view .o_form_status_indicator .o_form_button_cancel",
            run: "click",
        },
        {
            content: "The form is clean again",
            trigger: ".o_form_view .o_field_widget[name='ref'] input:value(/^$/)",
        },
    ],
});

import { registry } from "@web/core/registry";

// Opened on the direct chat with the tax assistant: ask a question, let the queue answer it (as its
// scheduled action would), and see the answer arrive in the open conversation through the bus.
registry.category("web_tour.tours").add("l10n_cl_ai_chat_tour", {
    steps: () => [
        {
            content: "The conversation with the assistant is open",
            trigger: ".o-mail-Discuss-threadName[title='Asistente Tributario'], .o-mail-Discuss:contains('Asistente Tributario')",
        },
        {
            content: "Write a question",
            trigger: ".o-mail-Composer-input",
            run: "edit ¿Cómo anulo una factura electrónica ya enviada?",
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer button[title='Send']:enabled",
            run: "click",
        },
        {
            content: "The question is posted at once",
            trigger: ".o-mail-Message[data-persistent]:contains('¿Cómo anulo una factura electrónica ya enviada?')",
        },
        {
            content: "The assistant answers in the background (the queue's scheduled action)",
            trigger: ".o-mail-Message[data-persistent]:contains('¿Cómo anulo una factura electrónica ya enviada?')",
            async run() {
                const { orm } = odoo.__WOWL_DEBUG__.root.env.services;
                const [cronId] = await orm.search("ir.cron", [
                    ["cron_name", "=", "Chilean AI: answer questions to the tax assistant"],
                ]);
                await orm.call("ir.cron", "method_direct_trigger", [[cronId]]);
            },
        },
        {
            content: "Without any reload, the answer appears, with its sources",
            trigger: ".o-mail-Message:contains('Asistente Tributario'):contains('nota de crédito'):contains('Sources')",
        },
    ],
});

// Report to IT: the ticket queue and the service-desk adapters.
// (Placeholder: the Report-to-IT work fills this in.) Message types handled here start with `report.`.
export const ticketHandlers = {};

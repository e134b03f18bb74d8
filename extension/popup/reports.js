// The popup's reports to IT: the "Report to IT" button and the list of reports with their state.
// (Placeholder: the Report-to-IT work fills this in.)
export async function showReports(_section, _ctx) {}

package dev.porthole.agent.inspect;

/**
 * The exchange a URL names, or why there is none: the status to answer and a sentence saying what
 * happened (not a number, or dropped from the ring buffer).
 *
 * @param exchange the exchange, or null
 * @param status   200 when found, else 400 or 404
 * @param problem  what to tell the caller when not found
 */
record ExchangeLookup(CapturedExchange exchange, int status, String problem) {

    static ExchangeLookup find(ExchangeStore store, String idText) {
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            return new ExchangeLookup(null, 400, "'" + idText + "' is not a request id");
        }
        return store.find(id)
                .map(exchange -> new ExchangeLookup(exchange, 200, ""))
                .orElseGet(() -> new ExchangeLookup(
                        null,
                        404,
                        "no request " + idText + ": it may have been dropped (the inspector keeps the last "
                                + store.maxExchanges() + " requests within " + ExchangeRow.size(store.maxBytes())
                                + ")"));
    }

    boolean found() {
        return exchange != null;
    }
}

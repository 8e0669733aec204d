package org.vpsrecovery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How lists are answered: {@code {"count": n, "results": [...]}}, the whole list at once as
 * documented when the page size is 0; otherwise Django REST Framework's {@code ?page=n} with
 * {@code next}/{@code previous} links, so that clients' paging can be tested.
 */
final class ListPage {

    private final int pageSize;

    ListPage(int pageSize) {
        this.pageSize = pageSize;
    }

    Answer answer(List<JsonNode> rows, Map<String, String> query, String selfUrl) {
        ObjectNode body = Answer.JSON.createObjectNode();
        body.put("count", rows.size());
        List<JsonNode> shown = rows;
        if (pageSize > 0) {
            int page;
            try {
                page = Integer.parseInt(query.getOrDefault("page", "1"));
            } catch (NumberFormatException e) {
                return Answer.detail(404, "Invalid page.");
            }
            int from = (page - 1) * pageSize;
            if (page < 1 || (from >= rows.size() && page != 1)) {
                return Answer.detail(404, "Invalid page.");
            }
            shown = rows.subList(from, Math.min(rows.size(), from + pageSize));
            body.put("next", from + pageSize < rows.size() ? pageUrl(selfUrl, query, page + 1) : null);
            body.put("previous", page > 1 ? pageUrl(selfUrl, query, page - 1) : null);
        }
        body.putArray("results").addAll(shown);
        return Answer.json(200, body);
    }

    private static String pageUrl(String selfUrl, Map<String, String> query, int page) {
        Map<String, String> params = new LinkedHashMap<>(query);
        params.put("page", Integer.toString(page));
        List<String> pairs = new ArrayList<>();
        params.forEach((k, v) -> pairs.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return selfUrl + "?" + String.join("&", pairs);
    }
}

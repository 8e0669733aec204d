package org.vpsrecovery.adapters.persistence;

import java.util.Map;
import java.util.TreeMap;

/** A flat map of strings as JSON object text, for the jsonb detail column. */
final class JsonObjectText {

    private JsonObjectText() {
    }

    static String of(Map<String, String> values) {
        StringBuilder json = new StringBuilder(32 + values.size() * 32).append('{');
        boolean first = true;
        for (Map.Entry<String, String> entry : new TreeMap<>(values).entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            string(json, entry.getKey());
            json.append(':');
            string(json, entry.getValue());
        }
        return json.append('}').toString();
    }

    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}

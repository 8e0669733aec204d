package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditCsvTest {

    @Test
    void plainTextStaysAsItIs() {
        assertThat(AuditCsv.cell("web-server-01")).isEqualTo("web-server-01");
        assertThat(AuditCsv.cell(null)).isEmpty();
        assertThat(AuditCsv.cell("")).isEmpty();
    }

    @Test
    void separatorsQuotesAndLineBreaksAreQuoted() {
        assertThat(AuditCsv.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(AuditCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(AuditCsv.cell("one\ntwo")).isEqualTo("\"one\ntwo\"");
        assertThat(AuditCsv.cell("one\rtwo")).isEqualTo("\"one\rtwo\"");
    }

    @Test
    void formulaStartersBecomeText() {
        for (String starter : new String[] {"=", "+", "-", "@", "\t"}) {
            assertThat(AuditCsv.cell(starter + "SUM(A1)")).isEqualTo("'" + starter + "SUM(A1)");
        }
        assertThat(AuditCsv.cell("\rcmd")).isEqualTo("\"'\rcmd\"");
        assertThat(AuditCsv.cell("=1+2,3")).isEqualTo("\"'=1+2,3\"");
        assertThat(AuditCsv.cell("a=b")).isEqualTo("a=b");
    }

    @Test
    void aStoredLeadingQuoteIsPrefixedTooSoDefusedAndStoredTextDiffer() {
        assertThat(AuditCsv.cell("'=x")).isEqualTo("''=x");
        assertThat(AuditCsv.cell("'=x")).isNotEqualTo(AuditCsv.cell("=x"));
        assertThat(AuditCsv.cell("'quoted'")).isEqualTo("''quoted'");
        assertThat(AuditCsv.cell("it's")).isEqualTo("it's");
    }

    @Test
    void aLineEndsWithCrLf() {
        assertThat(AuditCsv.line(Arrays.asList("1", null, "x,y"))).isEqualTo("1,,\"x,y\"\r\n");
    }

    @Test
    void aLineReadsBackAsItsCellsWithFormulasDefused() throws Exception {
        java.util.List<String> cells = Arrays.asList(" padded ", "#tag", "say \"hi\", then\r\nbye", "=cmd", null, "");
        try (var parser = org.apache.commons.csv.CSVParser.parse(AuditCsv.line(cells),
                org.apache.commons.csv.CSVFormat.RFC4180)) {
            assertThat(parser.getRecords()).singleElement().satisfies(record -> assertThat(record.values())
                    .containsExactly(" padded ", "#tag", "say \"hi\", then\r\nbye", "'=cmd", "", ""));
        }
    }

    @Test
    void detailIsOneJsonObject() {
        assertThat(AuditCsv.detailText(new java.util.TreeMap<>(Map.of("description", "a \"b\"\nc", "name", "n"))))
                .isEqualTo("{\"description\":\"a \\\"b\\\"\\nc\",\"name\":\"n\"}");
    }
}

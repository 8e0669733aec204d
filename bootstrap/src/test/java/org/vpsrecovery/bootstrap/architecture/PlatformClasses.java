package org.vpsrecovery.bootstrap.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The platform's production classes (every module's, no test code), imported once for the test JVM and shared by the
 * tests that scan them: the import is the slow part (66 s for one test class in a loaded CI), so it is made once, on first
 * use, not once per test class (session 56).
 */
public final class PlatformClasses {

    private PlatformClasses() {
    }

    /** Every production class under {@code org.vpsrecovery}, imported at the first call. */
    public static JavaClasses production() {
        return Imported.PRODUCTION;
    }

    /** The holder idiom: the JVM imports on the first read of the field, once, whichever thread reads it. */
    private static final class Imported {
        static final JavaClasses PRODUCTION = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.vpsrecovery");
    }
}

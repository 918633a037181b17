package io.backupverifier.checks;

/**
 * One check of a backup. Checks are plain functions of the facts gathered by the one
 * streaming pass ({@link Verification#scan()}) and the sidecar; the verify route calls
 * them one after the other through {@link #apply}.
 */
public interface Check {

    /** The stable check id of DESIGN.md section 5. */
    String id();

    CheckResult evaluate(Verification v);

    /** Records this check's verdict on the verification and hands it on (the route's step). */
    default Verification apply(Verification v) {
        v.record(id(), evaluate(v));
        return v;
    }
}

package io.autogaze4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class FastExpTest {
    @Test
    void vectorAndScalarAgreeBitForBitAndAreAccurate() {
        var s = FloatVector.SPECIES_PREFERRED;
        float[] x = new float[s.length() * 4000];
        for (int i = 0; i < x.length; i++) {
            x[i] = -100f + 190f * i / x.length;
        }
        x[1] = Float.NEGATIVE_INFINITY; // a masked key's score: 0 from the vector form too
        x[2] = Float.NaN;
        float[] v = new float[x.length];
        for (int i = 0; i < x.length; i += s.length()) {
            FastExp.exp(FloatVector.fromArray(s, x, i)).intoArray(v, i);
        }
        for (int i = 0; i < x.length; i++) {
            float scalar = FastExp.exp(x[i]);
            assertEquals(Float.floatToIntBits(scalar), Float.floatToIntBits(v[i]), "x = " + x[i]);
            double exact = Math.exp(x[i]);
            if (x[i] > -87f && x[i] < 88f) {
                assertEquals(exact, scalar, 2.5 * Math.ulp((float) exact), "x = " + x[i]);
            }
        }
        assertEquals(0f, FastExp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(1f, FastExp.exp(0f));
    }
}

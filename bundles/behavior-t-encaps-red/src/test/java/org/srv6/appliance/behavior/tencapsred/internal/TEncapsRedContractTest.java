package org.srv6.appliance.behavior.tencapsred.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.srv6.appliance.api.behavior.BehaviorContext;

import org.srv6.appliance.testkit.BehaviorContractTest;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class TEncapsRedContractTest extends BehaviorContractTest {
    public TEncapsRedContractTest() {
        super(TEncapsRedBehavior::new,
                List.of("segs fc00::11,fc00::12", "segs fc00::11", "segs fc00::11,fc00::12 tunsrc fc00::aa",
                        "mode encap.red segs fc00::11 count", "tunsrc fc00::aa segs fc00::11,fc00::12,fc00::13 hmac 7",
                        "segs fc00::11,fc00::12 hmac 4294967295"),
                List.of(TEncapsRedInstanceTest.inner6().bytes(), TEncapsRedInstanceTest.inner4().bytes()));
    }

    @Override
    protected BehaviorContext context() {
        return new TestBehaviorContext().hmacKey(7, "sha256", "secret".getBytes(StandardCharsets.UTF_8))
                .hmacKey((int) 4294967295L, "sha1", "secret".getBytes(StandardCharsets.UTF_8));
    }
}

package dev.tether.sandbox.cli;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Runs in a fresh JVM on a deployable package's classpath: loads one function class, hands its Event Grid function one
 * event, as the Java worker does (reflection, a logger-bearing ExecutionContext, the real DurableClientContext bound to
 * the sidecar at {@code COLDSTART_SIDECAR}), and prints the milliseconds from JVM start to the function's return:
 * {@code coldstart <function> <ms> <process CPU ms>}. With {@code COLDSTART_ARM} set (Tether's probe), Tether's ARM requests go to that
 * loopback address ({@link LoopbackTether}) and everything else about them is as in Azure.
 * Usage: {@code ColdStartProbe CLASS FUNCTION_NAME EVENT_FILE}.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        String arm = System.getenv("COLDSTART_ARM");
        if (arm != null) {
            // By name: the hello-world probes must not load Tether or the Azure SDK.
            Class.forName("dev.tether.sandbox.cli.LoopbackTether").getDeclaredMethod("install", String.class).invoke(null, arm);
        }
        Class<?> type = Class.forName(args[0]);
        Method function = null;
        for (Method m : type.getMethods()) {
            FunctionName name = m.getAnnotation(FunctionName.class);
            if (name != null && name.value().equals(args[1])) {
                function = m;
            }
        }
        if (function == null) {
            throw new IllegalArgumentException(args[0] + " has no function named " + args[1]);
        }
        String event = Files.readString(Path.of(args[2]));
        Logger logger = Logger.getLogger(args[1]);
        ExecutionContext context = new ExecutionContext() {
            @Override
            public Logger getLogger() {
                return logger;
            }

            @Override
            public String getInvocationId() {
                return "cold-start-probe";
            }

            @Override
            public String getFunctionName() {
                return args[1];
            }
        };
        Parameter[] params = function.getParameters();
        Object[] values = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            Class<?> t = params[i].getType();
            if (t == ExecutionContext.class) {
                values[i] = context;
            } else if (t == String.class) {
                values[i] = event;
            } else if (t.getName().equals("com.microsoft.durabletask.azurefunctions.DurableClientContext")) {
                values[i] = durableContext(t);
            } else {
                throw new IllegalArgumentException("the probe cannot bind " + t);
            }
        }
        function.invoke(type.getDeclaredConstructor().newInstance(), values);
        long done = System.currentTimeMillis();
        // A marker in the class-load log: what loads after it (the figures' own output) is not the function's.
        Returned.mark();
        long start = ManagementFactory.getRuntimeMXBean().getStartTime();
        // CPU time as well: on a shared machine it varies less than the wall time (all threads: JIT, GC, the I/O threads).
        long cpuMs = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
        System.out.println("coldstart " + args[1] + " " + (done - start) + " " + cpuMs);
    }

    /** Loaded only once the function returned. */
    static final class Returned {
        static void mark() {
        }
    }

    /** The context the host binds (task hub, the sidecar's gRPC address). */
    private static Object durableContext(Class<?> type) throws ReflectiveOperationException {
        Object ctx = type.getDeclaredConstructor().newInstance();
        set(ctx, "taskHubName", "TetherHub");
        set(ctx, "rpcBaseUrl", System.getenv("COLDSTART_SIDECAR"));
        set(ctx, "requiredQueryStringParameters", "code=probe");
        return ctx;
    }

    private static void set(Object target, String field, String value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }
}

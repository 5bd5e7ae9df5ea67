package dev.tether.sandbox;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.azurefunctions.DurableActivityTrigger;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import com.microsoft.durabletask.azurefunctions.DurableOrchestrationTrigger;
import dev.tether.sandbox.durable.DurableDriver;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Discovers Tether's functions by their annotations, the way the Functions host does, and registers the orchestrators
 * and activities with the durable driver. Bindings are filled as the host fills them: the durable client context
 * (durabletask's own class, whose getClient() returns the driver's client instead of a gRPC one) and the ExecutionContext.
 * No Mockito here: its inline mock maker attaches an agent that appends to the bootstrap class path, which makes every
 * exec:java run print the JVM's class-data-sharing warning.
 */
public final class FunctionHost {
    private final Map<String, Method> functions = new TreeMap<>();
    private final Map<Class<?>, Object> instances = new java.util.HashMap<>();
    private final DurableClientContext durableContext;
    private final ExecutionContext executionContext;

    public FunctionHost(DurableDriver driver, Logger logger, List<Class<?>> functionClasses) {
        // The real context (its status URLs and check-status response), with the sandbox's client instead of gRPC.
        DurableClientContext context = new DurableClientContext() {
            @Override
            public com.microsoft.durabletask.DurableTaskClient getClient() {
                return driver.client();
            }
        };
        setField(context, "taskHubName", "TetherHub");
        setField(context, "requiredQueryStringParameters", "taskHub=TetherHub&connection=Storage&code=sandbox-system-key");
        this.durableContext = context;
        this.executionContext = new ExecutionContext() {
            @Override
            public Logger getLogger() {
                return logger;
            }

            @Override
            public String getInvocationId() {
                return "sandbox";
            }

            @Override
            public String getFunctionName() {
                return "sandbox";
            }
        };
        for (Class<?> c : functionClasses) {
            for (Method m : c.getDeclaredMethods()) {
                FunctionName name = m.getAnnotation(FunctionName.class);
                if (name == null) {
                    continue;
                }
                if (functions.put(name.value(), m) != null) {
                    throw new IllegalStateException("two functions are named " + name.value());
                }
                instances.computeIfAbsent(c, FunctionHost::instantiate);
                if (hasParam(m, DurableOrchestrationTrigger.class)) {
                    driver.orchestrator(name.value(), ctx -> ctx.complete(invoke(name.value(), ctx)));
                } else if (hasParam(m, DurableActivityTrigger.class)) {
                    driver.activity(name.value(), input -> (String) invoke(name.value(), input));
                }
            }
        }
    }

    /** Every function by name, with its annotated method (what the host reads the trigger bindings from). */
    public Map<String, Method> declared() {
        return java.util.Collections.unmodifiableMap(functions);
    }

    public List<String> functionNames() {
        return new ArrayList<>(functions.keySet());
    }

    /** Invokes a function with its trigger payload; the other bindings are filled in by type. */
    public Object invoke(String functionName, Object trigger) {
        Method m = functions.get(functionName);
        if (m == null) {
            throw new IllegalArgumentException("no function named " + functionName);
        }
        Parameter[] params = m.getParameters();
        Object[] args = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            Class<?> t = params[i].getType();
            if (t == DurableClientContext.class && params[i].isAnnotationPresent(DurableClientInput.class)) {
                args[i] = durableContext;
            } else if (t == ExecutionContext.class) {
                args[i] = executionContext;
            } else {
                args[i] = trigger;
            }
        }
        try {
            return m.invoke(instances.get(m.getDeclaringClass()), args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setField(Object target, String name, Object value) {
        try {
            var f = DurableClientContext.class.getDeclaredField(name);
            f.setAccessible(true);
            f.set(target, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("durabletask's DurableClientContext has no field " + name, e);
        }
    }

    private static boolean hasParam(Method m, Class<? extends java.lang.annotation.Annotation> a) {
        for (Parameter p : m.getParameters()) {
            if (p.isAnnotationPresent(a)) {
                return true;
            }
        }
        return false;
    }

    private static Object instantiate(Class<?> c) {
        try {
            return c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + c.getName(), e);
        }
    }
}

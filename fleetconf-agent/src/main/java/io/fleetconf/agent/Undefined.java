package io.fleetconf.agent;

import com.hubspot.jinjava.objects.serialization.PyishSerializable;
import com.hubspot.jinjava.util.HasObjectTruthValue;
import java.util.Iterator;

/**
 * A name the config does not have. Printing it, testing its truth, iterating it or computing with
 * it throws; {@code default} and {@code is defined} see it as absent.
 */
record Undefined(String name, int line) implements PyishSerializable, HasObjectTruthValue, Iterable<Object> {
  @Override
  public String toString() {
    throw new UndefinedException(this);
  }

  @Override
  public <T extends Appendable & CharSequence> T appendPyishString(T appendable) {
    throw new UndefinedException(this);
  }

  @Override
  public boolean getObjectTruthValue() {
    throw new UndefinedException(this);
  }

  @Override
  public Iterator<Object> iterator() {
    throw new UndefinedException(this);
  }

  /** Using an undefined name: the render fails with this. */
  static final class UndefinedException extends RuntimeException {
    private final int line;

    UndefinedException(Undefined undefined) {
      super("'" + undefined.name() + "' is undefined" + (undefined.name().startsWith("hostvars['")
          ? ": the agent has only its own host's variables (hostvars[inventory_hostname])" : ""));
      this.line = undefined.line();
    }

    /** The template line where the name was used. */
    int line() {
      return line;
    }
  }
}

// Tests for the module are added with it.
